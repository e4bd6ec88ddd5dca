/** `kiln system prune` and the build cache: results whose layers were pruned go, the next build redoes them. */
import * as assert from "uvu/assert";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import { BASE, buildOk, cachedSteps, cannotRun, makeRoot, rootTest, runIn, type BuildRoot } from "./helpers.js";

let r: BuildRoot;
test.before(() => {
  if (!cannotRun) r = makeRoot();
});
test.after(() => r?.cleanup());

const count = (dir: string) => (existsSync(dir) ? readdirSync(dir).length : 0);

rootTest("prune drops step results whose layers it removed, empties the parse and lint caches, and the next build redoes only those steps", () => {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE} AS build
RUN echo built > /artifact && echo only-here > /scratch
FROM ${BASE}
COPY --from=build /artifact /artifact
`,
  });
  buildOk(r, ["-t", "pr:1"], ctx);
  const cache = join(r.root, "cache");
  const before = count(join(cache, "steps"));
  assert.ok(before >= 2, `steps cached: ${before}`);
  // the build stage's RUN layer is in no image: prune removes its blob, then its step result
  const dry = r.kiln(["system", "prune", "--dry-run"]);
  assert.is(dry.status, 0, dry.stderr);
  assert.match(dry.stdout, /Would delete 1 build cache step whose layers are gone/);
  assert.is(count(join(cache, "steps")), before, "--dry-run removes nothing");
  const res = r.kiln(["system", "prune"]);
  assert.is(res.status, 0, res.stderr);
  assert.match(res.stdout, /Deleted 1 build cache step whose layers are gone/);
  assert.is(count(join(cache, "steps")), before - 1);
  assert.is(count(join(cache, "parsed")), 0);
  // the image's own steps stay cached; the pruned RUN runs again
  const again = buildOk(r, ["-t", "pr:1"], ctx);
  const cached = cachedSteps(again.stdout + again.stderr);
  assert.ok(cached.some((s) => s.startsWith("COPY --from=build")), cached.join(" | "));
  assert.not.ok(cached.some((s) => s.startsWith("RUN echo built")), cached.join(" | "));
  assert.is(runIn(r, "pr:1", "cat", "/artifact"), "built\n");
});

test.run();
