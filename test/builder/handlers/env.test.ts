/** ENV: expansion with the env from before the instruction, config Env and build env. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy, imageConfig } from "../helpers.js";

test("same-line references see the old value: ENV A=1 B=$A", async () => {
  const b = await build("FROM scratch\nENV A=0\nENV A=1 B=$A\n");
  assert.equal(b.target.state.config.Env, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=1", "B=0"]);
  assert.equal(createdBy(b), ["ENV A=0", "ENV A=1 B=0"]);
  assert.ok(b.effects.every((e) => e.kind === "config" && e.history.emptyLayer));
});

test("quotes are removed and values may hold spaces; legacy `ENV k v` form", async () => {
  const b = await build('FROM scratch\nENV GREETING="hello world" X=\'$no\'\nENV LEGACY a b c\n');
  assert.equal(b.target.state.config.Env!.slice(1), ["GREETING=hello world", "X=$no", "LEGACY=a b c"]);
});

test("replacing an inherited variable keeps its position", async () => {
  const b = await build("FROM base\nENV PATH=/opt/bin:$PATH HOME=/root\n", { images: { base: imageConfig({ Env: ["PATH=/bin", "LANG=C"] }) } });
  assert.equal(b.target.state.config.Env, ["PATH=/opt/bin:/bin", "LANG=C", "HOME=/root"]);
});

test("ENV sees ARG values; ENV after ARG wins for the build and the config", async () => {
  const b = await build("FROM scratch\nARG V=1\nENV W=$V V=2\nRUN echo\n");
  assert.equal(b.target.state.config.Env!.slice(1), ["W=1", "V=2"]);
  const run = b.effects.find((e) => e.kind === "run")!;
  assert.ok(run.kind === "run" && run.env.includes("V=2"));
});

test("an unset variable expands to empty; ${X:?} fails at the instruction", async () => {
  const b = await build("FROM scratch\nENV A=x${NOPE}y\n");
  assert.equal(b.target.state.config.Env!.at(-1), "A=xy");
  try {
    await build("FROM scratch\nENV A=${NOPE:?required}\n");
    assert.unreachable();
  } catch (e) {
    const err = e as { code: string; message: string; range: { start: { line: number } } };
    assert.is(err.code, "build-expansion");
    assert.match(err.message, "NOPE: required");
    assert.is(err.range.start.line, 2);
  }
});

test.run();
