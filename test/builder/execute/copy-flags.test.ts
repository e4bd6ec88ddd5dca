/** End-to-end ADD of bzip2/xz archives and COPY --parents, --exclude, --link (real namespaces, as root). */
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "uvu";
import { BASE, buildOk, cannotRun, makeRoot, rootTest, runIn, type BuildRoot } from "./helpers.js";

let r: BuildRoot;
test.before(() => {
  if (!cannotRun) r = makeRoot();
});
test.after(() => r?.cleanup());

rootTest("ADD extracts bzip2 and xz tarballs (detected by content, whatever the name)", () => {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}\nADD pkg.tar.bz2 /bz/\nADD pkg.xz.bin /xz/\n`,
  });
  const src = r.context({ "pkg/a.txt": "A\n", "pkg/sub/b.txt": "B\n" });
  execFileSync("tar", ["-cjf", join(ctx, "pkg.tar.bz2"), "-C", src, "pkg"]);
  execFileSync("tar", ["-cJf", join(ctx, "pkg.xz.bin"), "-C", src, "pkg"]);
  buildOk(r, ["-t", "cf1"], ctx);
  assert.is(runIn(r, "cf1", "cat", "/bz/pkg/a.txt", "/bz/pkg/sub/b.txt", "/xz/pkg/a.txt", "/xz/pkg/sub/b.txt"), "A\nB\nA\nB\n");
});

rootTest("COPY --parents keeps the source path, --exclude leaves files out, --link gives the same files", () => {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}
COPY --parents src/app/a.txt src/lib/b.txt /p/
COPY --exclude=*.log --exclude=skip/ data/ /d/
COPY --link data/keep.txt /linked/
`,
    "src/app/a.txt": "a\n",
    "src/lib/b.txt": "b\n",
    "data/keep.txt": "keep\n",
    "data/debug.log": "no\n",
    "data/skip/x.txt": "no\n",
  });
  buildOk(r, ["-t", "cf2"], ctx);
  assert.is(runIn(r, "cf2", "sh", "-c", "find /p /d /linked -type f | sort"), "/d/keep.txt\n/linked/keep.txt\n/p/src/app/a.txt\n/p/src/lib/b.txt\n");
  assert.is(runIn(r, "cf2", "cat", "/linked/keep.txt"), "keep\n");
});

test.run();
