/**
 * Attacks on `kiln build`: nothing a Dockerfile, a context, a stage or an archive names may read
 * or write outside its root. Each case aims at a host directory the test owns and checks it is
 * untouched, whatever the build's outcome.
 */
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import { buildOk, BASE, cannotRun, makeRoot, rootTest, runIn, type BuildRoot } from "./helpers.js";

let r: BuildRoot;
let host: string; // the target every attack aims at
let secret: string; // a host file outside every context
test.before(() => {
  if (cannotRun) return;
  r = makeRoot();
  host = join(r.dir, "host-target");
  mkdirSync(host);
  secret = join(r.dir, "host-secret.txt");
  writeFileSync(secret, "HOST-SECRET\n");
});
test.after(() => r?.cleanup());

const untouched = () => assert.equal(readdirSync(host), [], `${host} must stay empty`);

rootTest("COPY and WORKDIR through symlinks in the image stay inside the rootfs", () => {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}
RUN ln -s ../../../../../../../../..${host} /rel && ln -s ${host} /abs
COPY file.txt /rel/pwned-rel
COPY file.txt /abs/pwned-abs
WORKDIR /abs/wd
RUN touch made-in-workdir
`,
    "file.txt": "payload\n",
  });
  buildOk(r, ["-t", "esc1"], ctx);
  untouched();
  // the writes landed where the links point when the rootfs is the root
  assert.is(runIn(r, "esc1", "cat", `${host}/pwned-rel`, `${host}/pwned-abs`), "payload\npayload\n");
  assert.is(runIn(r, "esc1", "ls", `${host}/wd`), "made-in-workdir\n");
});

rootTest("a rebuild reads the parent's unpacked snapshots (no snapshotter) and still resolves COPY and WORKDIR through symlinks inside the rootfs", () => {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}
RUN ln -s ../../../../../../../../..${host} /rel && ln -s ${host} /abs && mkdir /real && ln -s /real /inside
COPY file.txt /rel/pwned-rel
RUN true
COPY file.txt /abs/pwned-abs
COPY file.txt /inside/through-link
WORKDIR /abs/wd
`,
    "file.txt": "first\n",
  });
  buildOk(r, ["-t", "esc-re"], ctx);
  // every parent chain of the COPY steps is unpacked now; a changed file makes them run again
  writeFileSync(join(ctx, "file.txt"), "second\n");
  const out = buildOk(r, ["-t", "esc-re"], ctx);
  assert.match(out.stderr, /CACHED/, "the RUN steps are cached");
  untouched();
  assert.is(runIn(r, "esc-re", "cat", `${host}/pwned-rel`, `${host}/pwned-abs`, "/real/through-link"), "second\nsecond\nsecond\n");
  assert.is(runIn(r, "esc-re", "sh", "-c", "[ -L /inside ] && [ -d /abs/wd ] && [ -L /abs ] && echo ok"), "ok\n");
});

rootTest("a context symlink to a host file is copied as a link, and never followed out of the context", () => {
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nCOPY . /all/\n` });
  symlinkSync(secret, join(ctx, "leak"));
  symlinkSync("../host-secret.txt", join(ctx, "leak-rel"));
  buildOk(r, ["-t", "esc2"], ctx);
  assert.is(runIn(r, "esc2", "sh", "-c", "readlink /all/leak; readlink /all/leak-rel"), `${secret}\n../host-secret.txt\n`);
  assert.not.match(runIn(r, "esc2", "sh", "-c", "cat /all/leak /all/leak-rel 2>/dev/null; true"), /HOST-SECRET/);
  // named as a source, the link resolves inside the context (as BuildKit does): not found
  writeFileSync(join(ctx, "Dockerfile"), `FROM ${BASE}\nCOPY leak /leak\n`);
  const res = r.kiln(["build", "--progress", "plain", "-t", "esc2b", ctx]);
  assert.is.not(res.status, 0);
  assert.match(res.stderr, /"\/leak": not found/);
});

rootTest("COPY --from a stage through a symlink reads the stage, not the host", () => {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE} AS s
RUN ln -s ${secret} /link && ln -s ../../../../../../..${secret} /rel
FROM ${BASE}
COPY --from=s /link /got-abs
COPY --from=s /rel /got-rel
`,
  });
  // the links resolve inside the stage's rootfs, where the host path does not exist
  const res = r.kiln(["build", "--progress", "plain", "-t", "esc3", ctx]);
  assert.is.not(res.status, 0);
  assert.match(res.stderr, /not found/);
  assert.not.match(res.stderr + res.stdout, /HOST-SECRET/);
});

rootTest("ADD of a tar with .. and absolute entries writes nothing outside the rootfs", () => {
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nADD evil.tar /x/\n` });
  const src = join(r.dir, "evil-src");
  mkdirSync(join(src, "a"), { recursive: true });
  writeFileSync(join(src, "a", "f"), "evil\n");
  // GNU tar: --transform rewrites names, -P keeps the leading / and the .. in them
  execFileSync("tar", ["-cPf", join(ctx, "evil.tar"), "-C", src, "--transform", `s,^a/f$,../../../../../../../..${host}/dotdot,`, "a/f"]);
  execFileSync("tar", ["-rPf", join(ctx, "evil.tar"), "-C", src, "--transform", `s,^a/f$,${host}/absolute,`, "a/f"]);
  r.kiln(["build", "--progress", "plain", "-t", "esc4", ctx]);
  untouched();
});

rootTest("RUN --mount=type=bind cannot name a source outside the context", () => {
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nRUN --mount=type=bind,source=../host-secret.txt,target=/s cat /s > /copied\n` });
  const res = r.kiln(["build", "--progress", "plain", "-t", "esc5", ctx]);
  assert.is.not(res.status, 0);
  assert.not.match(res.stderr + res.stdout, /HOST-SECRET/);
});

test.run();
