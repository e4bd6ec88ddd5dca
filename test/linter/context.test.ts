import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse, type Instruction } from "../../parser/index.js";
import { LintContext, type LintOptions } from "../../linter/index.js";

function ctx(text: string, options: LintOptions = {}) {
  const { dockerfile, diagnostics } = parse(text);
  return new LintContext(text, dockerfile, diagnostics, options);
}
const nth = (c: LintContext, n: number): Instruction => c.instructions[n]!;

test("stages: names lower-cased, bases resolved with global ARGs, parents linked", () => {
  const c = ctx("ARG BASE=alpine:3.20\nFROM $BASE AS Build\nRUN x\nFROM build\nFROM scratch AS out\n");
  assert.equal(c.stages.map((s) => [s.name, s.base, s.parent?.index]), [["build", "alpine:3.20", undefined], [null, "build", 0], ["out", "scratch", undefined]]);
  assert.is(c.globalArgs.length, 1);
  assert.is(c.stageOf(nth(c, 2))?.index, 0);
  assert.is(c.stageOf(nth(c, 0)), undefined);
});

test("resolve: global ARGs only after re-declaration in a stage", () => {
  const c = ctx("ARG V=1\nFROM scratch\nLABEL a=$V\nARG V\nLABEL b=$V\n");
  assert.is(c.resolve("$V", nth(c, 2)), "");
  assert.is(c.resolve("$V", nth(c, 4)), "1");
});

test("resolve: --build-arg overrides defaults; ARG without default is unknown", () => {
  const c = ctx("FROM scratch\nARG A=1\nARG B\nENV C=$A-$B\nLABEL x=y\n", { buildArgs: { A: "9" } });
  const label = nth(c, 4);
  assert.is(c.resolve("$A", label), "9");
  assert.is(c.resolve("$B", label), undefined);
  assert.is(c.resolve("$C", label), undefined);
  const d = ctx("FROM scratch\nARG B\nLABEL x=$B\n", { buildArgs: { B: "b" } });
  assert.is(d.resolve("$B", nth(d, 2)), "b");
});

test("resolve: external bases make unknown names unknown; scratch makes them empty", () => {
  const ext = ctx("FROM alpine\nLABEL x=y\n");
  assert.is(ext.resolve("$NOPE", nth(ext, 1)), undefined);
  assert.is(ext.resolve("plain", nth(ext, 1)), "plain");
  const scratch = ctx("FROM scratch\nLABEL x=y\n");
  assert.is(scratch.resolve("a$NOPE", nth(scratch, 1)), "a");
});

test("resolve: ENV is inherited from a parent stage, ARG is not; ENV wins over ARG", () => {
  const c = ctx("FROM scratch AS a\nENV E=1\nARG A=2\nFROM a\nLABEL x=y\nARG E=3\nLABEL y=z\n");
  assert.is(c.resolve("$E", nth(c, 4)), "1");
  assert.is(c.resolve("$A", nth(c, 4)), "");
  assert.is(c.resolve("$E", nth(c, 6)), "1");
});

test("resolve: ENV sees values from before the instruction", () => {
  const c = ctx("FROM scratch\nENV A=1\nENV A=2 B=$A\nLABEL x=y\n");
  assert.is(c.resolve("$B", nth(c, 3)), "1");
});

test("predefined platform ARGs: global for FROM, declared in stages", () => {
  const c = ctx("FROM --platform=$BUILDPLATFORM scratch\nARG TARGETARCH\nLABEL x=y\n", { platform: "linux/arm64/v8" });
  const from = nth(c, 0);
  assert.ok(c.resolve("$BUILDPLATFORM", from)?.startsWith("linux/"));
  assert.is(c.resolve("$TARGETPLATFORM", from), "linux/arm64/v8");
  assert.is(c.resolve("$TARGETARCH", nth(c, 2)), "arm64");
});

test("expansion errors resolve to undefined", () => {
  const c = ctx("FROM scratch\nLABEL x=y\n");
  assert.is(c.resolve("${", nth(c, 1)), undefined);
});

test.run();
