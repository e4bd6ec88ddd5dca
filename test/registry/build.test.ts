/**
 * `kiln build` with a registry (the real one, on 127.0.0.1): FROM and COPY --from of images the
 * store lacks are pulled, --pull checks again, --push pushes every -t name, and the build cache
 * travels through a registry or a directory: a build on a fresh KILN_ROOT (a new CI runner) with
 * --cache-from reports CACHED and does not run the RUN commands (mode=max: every stage;
 * mode=min: only the stages the final image is built from).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { haveRegistry, startRegistry, type RegistryServer } from "../helpers/registry.js";
import { BASE, cachedSteps, cannotRun, inspect, makeRoot, rootTest, type BuildRoot } from "../builder/execute/helpers.js";

const enabled = !cannotRun && haveRegistry();
const maybe = enabled ? rootTest : (test.skip as unknown as typeof test);
let r: BuildRoot;
let reg: RegistryServer;
let n = 0;

test.before(async () => {
  if (!enabled) return;
  r = makeRoot();
  reg = await startRegistry();
  for (const name of [`${reg.host}/busybox:1`, `${reg.host}/tools:1`]) {
    assert.is(r.kiln(["tag", BASE, name]).status, 0);
    const push = r.kiln(["push", name]);
    assert.is(push.status, 0, push.stderr);
  }
});
test.after(async () => {
  await reg?.stop();
  r?.cleanup();
});

/** A fresh KILN_ROOT: a new CI runner with nothing in its store. */
const freshRoot = () => join(r.dir, `runner-${n++}`);

function build(root: string, args: string[], ctx: string) {
  return r.kiln(["build", "--progress", "plain", ...args, ctx], { env: { KILN_ROOT: root } });
}

maybe("FROM and COPY --from of images the store lacks are pulled; --pull checks again; --push pushes each -t name", () => {
  const root = freshRoot();
  const ctx = r.context({
    Dockerfile: `FROM ${reg.host}/busybox:1\nCOPY --from=${reg.host}/tools:1 /bin/busybox /tools-busybox\nRUN echo built > /built\n`,
  });
  const first = build(root, ["-t", `${reg.host}/app:1`, "-t", `${reg.host}/app:latest`, "--push"], ctx);
  assert.is(first.status, 0, first.stderr);
  assert.match(first.stderr, new RegExp(`pulling ${reg.host}/busybox:1`));
  assert.match(first.stderr, new RegExp(`pulled ${reg.host}/tools:1: downloaded newer image`));
  assert.match(first.stderr, new RegExp(`pushed ${reg.host}/app:1: digest: sha256:[0-9a-f]{64}`));
  assert.match(first.stderr, new RegExp(`pushed ${reg.host}/app:latest: digest`));

  // what was pushed pulls into another store with the same layers
  const other = freshRoot();
  const pulled = r.kiln(["pull", `${reg.host}/app:1`], { env: { KILN_ROOT: other } });
  assert.is(pulled.status, 0, pulled.stderr);
  const built = r.kiln(["inspect", `${reg.host}/app:1`], { env: { KILN_ROOT: root } });
  const again = r.kiln(["inspect", `${reg.host}/app:1`], { env: { KILN_ROOT: other } });
  assert.equal(JSON.parse(again.stdout)[0].RootFS.Layers, JSON.parse(built.stdout)[0].RootFS.Layers);

  // present now: no pull without --pull; --pull asks the registry and finds it up to date
  const cached = build(root, [], ctx);
  assert.is(cached.status, 0, cached.stderr);
  assert.not.match(cached.stderr, /pulling/);
  const checked = build(root, ["--pull"], ctx);
  assert.is(checked.status, 0, checked.stderr);
  assert.match(checked.stderr, new RegExp(`pulled ${reg.host}/busybox:1: image is up to date`));
});

maybe("kiln.local names are local-only: --pull keeps the local base, pull/push refuse them without touching the network", () => {
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nRUN echo local > /local\n` });
  const checked = r.kiln(["build", "--progress", "plain", "--pull", "-t", "kiln.local/app:1", ctx]);
  assert.is(checked.status, 0, checked.stderr);
  assert.match(checked.stderr, /kiln\.local\/busybox:latest is a local-only name: not pulled/);
  assert.not.match(checked.stderr, /pulling/);

  const pull = r.kiln(["pull", "kiln.local/busybox:latest"]);
  assert.is(pull.status, 1);
  assert.match(pull.stderr, /kiln\.local names images that exist only in a local store/);
  const push = r.kiln(["push", "kiln.local/app:1"]);
  assert.is(push.status, 1);
  assert.match(push.stderr, /there is no registry to contact/);

  // missing locally: the build says how to add it instead of a DNS error
  const missing = r.context({ Dockerfile: "FROM kiln.local/nothing:1\n" });
  const res = r.kiln(["build", "--progress", "plain", missing]);
  assert.is(res.status, 1);
  assert.match(res.stderr, /kiln\.local\/nothing:1 is not in the local store[\s\S]*exist only in a local store[\s\S]*kiln load or kiln import/);
  assert.not.match(res.stderr, /ENOTFOUND|getaddrinfo/);
});

maybe("FROM an unknown tag: the error names the reference at the FROM line", () => {
  const ctx = r.context({ Dockerfile: `FROM ${reg.host}/nope:1\nRUN true\n` });
  const res = build(freshRoot(), [], ctx);
  assert.is(res.status, 1);
  assert.match(res.stderr, new RegExp(`${reg.host}/nope:1: not found: manifest unknown`));
  assert.match(res.stderr, /1 \| FROM/, res.stderr);
  assert.not.match(res.stderr, /--push needs/);
  const usage = build(freshRoot(), ["--push"], ctx);
  assert.is(usage.status, 2);
  assert.match(usage.stderr, /--push needs a name/);
});

const MULTI = (host: string) => `FROM ${host}/busybox:1 AS builder
RUN echo ran-$((40+1)) && date +%s%N > /stamp
FROM ${host}/busybox:1
COPY --from=builder /stamp /builder-stamp
COPY app.txt /app.txt
RUN echo ran-$((40+2)) && date +%s%N > /final-stamp
`;

const STEPS = {
  builder: "RUN echo ran-$((40+1)) && date +%s%N > /stamp",
  copyFrom: "COPY --from=builder /stamp /builder-stamp",
  copy: "COPY app.txt /app.txt",
  final: "RUN echo ran-$((40+2)) && date +%s%N > /final-stamp",
};

maybe("--cache-to type=registry,mode=max then --cache-from on a fresh KILN_ROOT: every step CACHED, no RUN runs, same image", () => {
  const ref = `${reg.host}/cache/app:buildcache`;
  const ctx = r.context({ Dockerfile: MULTI(reg.host), "app.txt": "app\n" });
  const runnerA = freshRoot();
  const a = build(runnerA, ["-t", "app:a", "--cache-from", `type=registry,ref=${ref}`, "--cache-to", `type=registry,ref=${ref},mode=max`], ctx);
  assert.is(a.status, 0, a.stderr);
  assert.match(a.stderr, new RegExp(`no cache at ${ref} yet`));
  assert.match(a.stderr, /ran-41/);
  assert.match(a.stderr, new RegExp(`exported cache to ${ref}: 4 steps, 4 layers`));

  const runnerB = freshRoot();
  const b = build(runnerB, ["-t", "app:b", "--cache-from", `type=registry,ref=${ref}`], r.context({ Dockerfile: MULTI(reg.host), "app.txt": "app\n" }));
  assert.is(b.status, 0, b.stderr);
  assert.match(b.stderr, new RegExp(`imported cache from ${ref}: 4 steps \\(4 new\\), 4 of 4 layers fetched`));
  assert.equal(cachedSteps(b.stderr), Object.values(STEPS));
  assert.not.match(b.stderr, /ran-41|ran-42/, "no RUN command ran");
  const ia = inspect({ ...r, kiln: (args) => r.kiln(args, { env: { KILN_ROOT: runnerA } }) }, "app:a");
  const ib = inspect({ ...r, kiln: (args) => r.kiln(args, { env: { KILN_ROOT: runnerB } }) }, "app:b");
  assert.equal(ib.RootFS.Layers, ia.RootFS.Layers, "the same layers (the stamps came from the cache)");
  assert.is(ib.Id, ia.Id, "the same image ID");

  // a changed file: the steps before it still hit, COPY and what follows run
  const changed = build(freshRoot(), ["--cache-from", `type=registry,ref=${ref}`], r.context({ Dockerfile: MULTI(reg.host), "app.txt": "changed\n" }));
  assert.is(changed.status, 0, changed.stderr);
  assert.equal(cachedSteps(changed.stderr), [STEPS.builder, STEPS.copyFrom]);
  assert.match(changed.stderr, /ran-42/);
});

maybe("type=local: dest=DIR writes an OCI layout, src=DIR feeds a fresh KILN_ROOT; mode=min keeps only the final stage's steps", () => {
  const ctx = r.context({ Dockerfile: MULTI(reg.host), "app.txt": "local\n" });
  const runnerA = freshRoot();
  const dirMax = join(r.dir, "cache-max");
  const dirMin = join(r.dir, "cache-min");
  const a = build(runnerA, ["--cache-to", `type=local,dest=${dirMax},mode=max`, "--cache-to", `type=local,dest=${dirMin}`], ctx);
  assert.is(a.status, 0, a.stderr);
  for (const d of [dirMax, dirMin]) {
    assert.ok(existsSync(join(d, "oci-layout")) && existsSync(join(d, "index.json")), `${d} is an OCI layout`);
    assert.ok(readdirSync(join(d, "blobs", "sha256")).length > 0);
  }

  const max = build(freshRoot(), ["--cache-from", `type=local,src=${dirMax}`], ctx);
  assert.is(max.status, 0, max.stderr);
  assert.equal(cachedSteps(max.stderr), Object.values(STEPS));
  assert.not.match(max.stderr, /ran-4[12]/);

  // mode=min: the builder stage is not in the final image's FROM chain, so it runs again
  const min = build(freshRoot(), ["--cache-from", `type=local,src=${dirMin}`], ctx);
  assert.is(min.status, 0, min.stderr);
  assert.match(min.stderr, /ran-41/);
  assert.ok(!cachedSteps(min.stderr).includes(STEPS.builder));
  assert.ok(cachedSteps(min.stderr).includes(STEPS.copy));

  // a cache that cannot be read is a warning: the build goes on
  const wrong = build(freshRoot(), ["--cache-from", `type=registry,ref=${reg.host}/busybox:1`], ctx);
  assert.is(wrong.status, 0, wrong.stderr);
  assert.match(wrong.stderr, new RegExp(`warning: cache from ${reg.host}/busybox:1 not imported: .*is not a kiln build cache`));

  const bad = build(freshRoot(), ["--cache-from", "type=local"], ctx);
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /invalid --cache-from "type=local": type=local needs src=DIR/);
});

test.run();
