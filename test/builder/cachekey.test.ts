/** Cache keys: must-hit / must-miss pairs, and what --explain-cache says. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cacheKey, explain, fromRecord, stepRecord, type FileInput, type StepRecord } from "../../builder/cachekey.js";
import type { Effect } from "../../builder/effects.js";
import { build } from "./helpers.js";

const BASE = cacheKey(fromRecord("alpine:3", "sha256:" + "a".repeat(64), "linux/amd64"));
const FILE: FileInput = { path: "app/main.go", type: "file", mode: 0o644, uid: 0, gid: 0, digest: "sha256:" + "1".repeat(64) };

interface Step {
  text: string;
  args?: Record<string, string>;
  files?: FileInput[];
  parent?: string;
}

/** The record of the last step of `text`'s target stage. */
async function record(step: Step): Promise<StepRecord> {
  const b = await build(step.text, { args: step.args ?? {} });
  const last = b.target.steps.at(-1)!;
  const effect = last.effects.find((e: Effect) => e.kind !== "config")!;
  return stepRecord(step.parent ?? BASE, effect, { used: last.used, files: step.files ?? [FILE] })!;
}

const COPY = "FROM scratch\nARG DIR=app\nARG UNUSED=x\nCOPY $DIR/ /srv/\n";
const RUN = "FROM scratch\nARG V=1\nRUN make\n";

const table: [name: string, a: Step, b: Step, hit: boolean, says?: RegExp][] = [
  ["same inputs", { text: COPY }, { text: COPY }, true],
  ["file content changed", { text: COPY }, { text: COPY, files: [{ ...FILE, digest: "sha256:" + "2".repeat(64) }] }, false, /file app\/main.go: content changed/],
  ["file mode changed", { text: COPY }, { text: COPY, files: [{ ...FILE, mode: 0o755 }] }, false, /file app\/main.go: mode changed 0644 → 0755/],
  ["file owner changed", { text: COPY }, { text: COPY, files: [{ ...FILE, uid: 1000 }] }, false, /owner changed 0:0 → 1000:0/],
  ["mtime-only touch (no mtime in the record)", { text: COPY, files: [FILE] }, { text: COPY, files: [{ ...FILE }] }, true],
  ["file added", { text: COPY }, { text: COPY, files: [FILE, { ...FILE, path: "app/x.go" }] }, false, /file app\/x.go: added/],
  ["used build-arg changed", { text: COPY }, { text: COPY, args: { DIR: "src" } }, false, /variable DIR changed: "app" → "src"/],
  ["unused build-arg changed (COPY)", { text: COPY }, { text: COPY, args: { UNUSED: "y" } }, true],
  ["undeclared build-arg given (RUN)", { text: RUN }, { text: RUN, args: { OTHER: "1" } }, true],
  ["declared ARG changed (RUN sees every ARG)", { text: RUN }, { text: RUN, args: { V: "2" } }, false, /variable V changed: "1" → "2"/],
  ["proxy build-arg (RUN)", { text: RUN }, { text: RUN, args: { HTTP_PROXY: "http://p" } }, true],
  ["instruction text changed", { text: RUN }, { text: "FROM scratch\nARG V=1\nRUN make all\n" }, false, /instruction changed/],
  ["parent changed", { text: RUN }, { text: RUN, parent: "sha256:" + "b".repeat(64) }, false, /the previous step changed/],
  ["ENV changed (RUN env)", { text: "FROM scratch\nENV A=1\nRUN x\n" }, { text: "FROM scratch\nENV A=2\nRUN x\n" }, false, /variable A changed/],
  ["LABEL changed (not seen by RUN)", { text: "FROM scratch\nLABEL a=1\nRUN x\n" }, { text: "FROM scratch\nLABEL a=2\nRUN x\n" }, true],
  ["USER changed", { text: "FROM scratch\nUSER a\nRUN x\n" }, { text: "FROM scratch\nUSER b\nRUN x\n" }, false, /user changed: "a" → "b"/],
];

for (const [name, a, b, hit, says] of table) {
  test(`${hit ? "hit" : "miss"}: ${name}`, async () => {
    const ra = await record(a);
    const rb = await record(b);
    assert.is(cacheKey(ra) === cacheKey(rb), hit);
    const lines = explain(ra, rb);
    if (hit) assert.equal(lines, []);
    else {
      assert.ok(lines.length > 0);
      if (says) assert.ok(lines.some((l) => says.test(l)), lines.join("\n"));
    }
  });
}

test("FROM: a different base image digest misses and is named", () => {
  const a = fromRecord("alpine:3", "sha256:" + "a".repeat(64), "linux/amd64");
  const b = fromRecord("alpine:3", "sha256:" + "c".repeat(64), "linux/amd64");
  assert.is.not(cacheKey(a), cacheKey(b));
  assert.match(explain(a, b)[0]!, /base image changed/);
});

test("keys are sha256 of canonical JSON with keyVersion, config steps have none", async () => {
  const b = await build("FROM scratch\nENV A=1\n");
  assert.is(stepRecord(BASE, b.effects[0]!), null);
  assert.match(cacheKey(fromRecord("x", "scratch", "linux/amd64")), /^sha256:[a-f0-9]{64}$/);
});

test("secret values never enter a record (only id and target)", async () => {
  const b = await build("FROM scratch\nRUN --mount=type=secret,id=tok cat /run/secrets/tok\n");
  const r = stepRecord(BASE, b.effects[0]!)!;
  assert.equal((r.inputs.mounts as unknown[])[0], { type: "secret", id: "tok", target: "/run/secrets/tok", env: null, required: false, mode: 0o400, uid: 0, gid: 0 });
});

test.run();
