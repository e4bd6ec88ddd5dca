/** The step cache end to end: what hits, what misses (and from which step on), --no-cache-filter, --explain-cache, reproducible digests. */
import * as assert from "uvu/assert";
import { chmodSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import { BASE, buildOk, cachedSteps, cannotRun, inspect, makeRoot, rootTest, type BuildRoot } from "./helpers.js";

let r: BuildRoot;
test.before(() => {
  if (!cannotRun) r = makeRoot();
});
test.after(() => r?.cleanup());

const DOCKERFILE = `FROM ${BASE} AS build
ARG USED=one
ARG UNUSED=x
COPY a.txt /a.txt
RUN echo "$USED" > /used && cat /a.txt > /copy
COPY b.txt /b.txt
RUN echo done > /done

FROM ${BASE}
COPY --from=build /copy /copy
RUN echo final > /final
`;

const steps = {
  copyA: "COPY a.txt /a.txt",
  run1: 'RUN echo "$USED" > /used && cat /a.txt > /copy',
  copyB: "COPY b.txt /b.txt",
  run2: "RUN echo done > /done",
  copyFrom: "COPY --from=build /copy /copy",
  run3: "RUN echo final > /final",
};
const all = Object.values(steps);

function matrixContext(): string {
  return r.context({ Dockerfile: DOCKERFILE, "a.txt": "A\n", "b.txt": "B\n" });
}

rootTest("a rebuild of the same inputs is fully cached and gives the same image", () => {
  const ctx = matrixContext();
  const first = buildOk(r, ["-t", "m1"], ctx);
  assert.equal(cachedSteps(first.stderr), []);
  const id = inspect(r, "m1").Id;
  const second = buildOk(r, ["-t", "m1"], ctx);
  assert.equal(cachedSteps(second.stderr), all);
  assert.is(inspect(r, "m1").Id, id, "a fully cached build makes the same image");
  // the same image again under a new name: the store already holds it, the name is still added
  buildOk(r, ["-t", "m1", "-t", "m1:other"], ctx);
  assert.is(inspect(r, "m1:other").Id, id, "a new tag on a no-op rebuild names the same image");
});

rootTest("content change: miss from that step on (stage and dependants); mtime-only touch: hit; mode change: miss", () => {
  const ctx = matrixContext();
  buildOk(r, [], ctx);
  writeFileSync(join(ctx, "b.txt"), "B2\n");
  let out = buildOk(r, [], ctx).stderr;
  // a COPY --from is keyed by the source stage's last key (not by the copied files' content, as
  // BuildKit does): the final stage misses too
  assert.equal(cachedSteps(out), [steps.copyA, steps.run1]);

  utimesSync(join(ctx, "a.txt"), new Date(2001, 1, 1), new Date(2001, 1, 1));
  out = buildOk(r, [], ctx).stderr;
  assert.equal(cachedSteps(out), all, "touching a file is a hit");

  chmodSync(join(ctx, "a.txt"), 0o600);
  out = buildOk(r, [], ctx).stderr;
  assert.equal(cachedSteps(out), [], "a mode change misses COPY a.txt and everything after it");
});

rootTest("build args: a used one changed misses, an unused one hits", () => {
  const ctx = matrixContext();
  buildOk(r, [], ctx);
  let out = buildOk(r, ["--build-arg", "UNUSED=y"], ctx).stderr;
  // a declared ARG is in every RUN's environment (BuildKit): RUNs miss, the COPYs before them hit
  assert.ok(cachedSteps(out).includes(steps.copyA));
  out = buildOk(r, ["--build-arg", "USED=two"], ctx).stderr;
  assert.ok(cachedSteps(out).includes(steps.copyA));
  assert.not.ok(cachedSteps(out).includes(steps.run1));
  // an argument the Dockerfile never declares changes nothing
  out = buildOk(r, ["--build-arg", "USED=two", "--build-arg", "NOT_DECLARED=1"], ctx).stderr;
  assert.equal(cachedSteps(out), all);
});

rootTest("--no-cache-filter reruns that stage only; --no-cache reruns everything", () => {
  const ctx = matrixContext();
  buildOk(r, [], ctx);
  let out = buildOk(r, ["--no-cache-filter", "build"], ctx).stderr;
  assert.equal(cachedSteps(out), [steps.copyFrom, steps.run3]);
  out = buildOk(r, ["--no-cache"], ctx).stderr;
  assert.equal(cachedSteps(out), []);
});

rootTest("--explain-cache says what changed", () => {
  const ctx = matrixContext();
  buildOk(r, [], ctx);
  writeFileSync(join(ctx, "a.txt"), "A changed\n");
  const out = buildOk(r, ["--explain-cache"], ctx).stderr;
  assert.match(out, /cache miss: file a\.txt: content changed/);
  assert.match(out, /cache miss: the previous step changed/);
});

rootTest("SOURCE_DATE_EPOCH: two builds of the same inputs give the same digest", () => {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}\nCOPY f.txt /f.txt\nRUN date > /now && echo built > /built\nWORKDIR /w\n`,
    "f.txt": "f\n",
  });
  const env = { SOURCE_DATE_EPOCH: "1700000000" };
  buildOk(r, ["--no-cache", "-t", "repro:1"], ctx, env);
  const one = inspect(r, "repro:1");
  // a fresh root: nothing cached, everything made again
  const other = makeRoot();
  try {
    const res = other.kiln(["build", "--progress", "plain", "-t", "repro:1", ctx], { env });
    assert.is(res.status, 0, res.stderr);
    const two = inspect(other, "repro:1");
    // the RUN writes the date: its layer differs, the others must not
    assert.is(two.RootFS.Layers[1], one.RootFS.Layers[1], "the COPY layer is reproducible");
    assert.is(two.RootFS.Layers[3], one.RootFS.Layers[3], "the WORKDIR layer is reproducible");
  } finally {
    other.cleanup();
  }
  const ctx2 = r.context({ Dockerfile: `FROM ${BASE}\nCOPY f.txt /f.txt\nRUN echo built > /built\nENV A=1\n`, "f.txt": "f\n" });
  buildOk(r, ["--no-cache", "-t", "repro:2"], ctx2, env);
  const a = inspect(r, "repro:2").Id;
  buildOk(r, ["--no-cache", "-t", "repro:2"], ctx2, env);
  assert.is(inspect(r, "repro:2").Id, a, "same image ID when everything is rebuilt");
});

test.run();
