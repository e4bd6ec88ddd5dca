import { test } from "uvu";
import * as assert from "uvu/assert";
import { lint, parseConfig, DEFAULT_CONFIG, mergeConfig } from "../../linter/index.js";
import { StageNameCasing } from "../../linter/rules/buildkit/StageNameCasing.js";
import { buildkitRules } from "../../linter/rules/buildkit/index.js";
import { parseYaml } from "../../linter/yaml.js";

test("yaml subset: maps, block and flow lists, scalars, comments", () => {
  const doc = parseYaml(`# c\nignored:\n  - DL3008 # why\n  - "DL3009"\noverride:\n  error: [DL3001, 'DL3002']\n  info:\nn: 3\nb: true\nx: ~\nlist:\n- a\n- b\n`);
  assert.equal(doc, { ignored: ["DL3008", "DL3009"], override: { error: ["DL3001", "DL3002"], info: null }, n: 3, b: true, x: null, list: ["a", "b"] });
  assert.throws(() => parseYaml("a: &x 1\n"), /anchors/);
});

test("hadolint keys are read", () => {
  const c = parseConfig(`ignored: [DL3008]\noverride:\n  error: [StageNameCasing]\n  ignore: [DL4000]\nfailure-threshold: warning\ntrustedRegistries:\n  - docker.io\nlabel-schema:\n  author: text\nstrict-labels: true\n`);
  assert.equal(c.ignored, ["DL3008", "DL4000"]);
  assert.equal(c.override, { StageNameCasing: "error" });
  assert.is(c.failureThreshold, "warning");
  assert.equal(c.trustedRegistries, ["docker.io"]);
  assert.equal(c.labelSchema, { author: "text" });
  assert.is(c.strictLabels, true);
});

test("unknown keys and bad values are errors with exit status 2", () => {
  try {
    parseConfig("ignroed: [x]\n", "cfg.yaml");
    assert.unreachable();
  } catch (err) {
    assert.match(String(err), /cfg.yaml: unknown key "ignroed"/);
    assert.is((err as { exitCode: number }).exitCode, 2);
  }
  assert.throws(() => parseConfig("failure-threshold: loud\n"), /failure-threshold/);
});

/** These tests exercise configuration and suppression with the BuildKit rules only. */
const bk = { rules: buildkitRules };
const SRC = "FROM alpine AS Build\nMAINTAINER me\n";

test("config: ignored and override apply", () => {
  const base = lint(SRC, bk).findings.map((f) => [f.ruleId, f.severity]);
  assert.equal(base, [["StageNameCasing", "warning"], ["MaintainerDeprecated", "warning"]]);
  const config = mergeConfig(DEFAULT_CONFIG, { ignored: ["maintainerdeprecated"], override: { StageNameCasing: "error" } });
  assert.equal(lint(SRC, { ...bk, config }).findings.map((f) => [f.ruleId, f.severity]), [["StageNameCasing", "error"]]);
});

test("ignoring either id of a sameAs pair silences the merged finding", () => {
  const src = "FROM alpine:3.20\nMAINTAINER me\n";
  const ids = (config?: ReturnType<typeof mergeConfig>) => lint(src, config ? { config } : {}).findings.map((f) => f.ids);
  assert.equal(ids(), [["MaintainerDeprecated", "DL4000"]]);
  assert.equal(ids(mergeConfig(DEFAULT_CONFIG, { ignored: ["DL4000"] })), []);
  assert.equal(ids(mergeConfig(DEFAULT_CONFIG, { ignored: ["MaintainerDeprecated"] })), []);
  assert.equal(lint("FROM alpine:3.20\n# hadolint ignore=DL4000\nMAINTAINER me\n").findings, []);
  assert.equal(lint("# hadolint global ignore=MaintainerDeprecated\nFROM alpine:3.20\nMAINTAINER me\n").findings, []);
});

test("suppression: # hadolint ignore= applies to the next instruction only", () => {
  const src = "FROM alpine\n# hadolint ignore=MaintainerDeprecated,DL3000\nMAINTAINER a\nMAINTAINER b\n";
  assert.equal(lint(src, bk).findings.map((f) => f.range.start.line), [4]);
});

test("suppression: # hadolint global ignore= and # kiln ignore=", () => {
  assert.is(lint("# hadolint global ignore=MaintainerDeprecated\nFROM alpine\nMAINTAINER a\nMAINTAINER b\n", bk).findings.length, 0);
  assert.is(lint("FROM alpine\n# kiln ignore=MaintainerDeprecated\nMAINTAINER a\n", bk).findings.length, 0);
});

test("suppression: # check=skip= and skip=all, error=true", () => {
  assert.equal(lint(`# check=skip=StageNameCasing\n${SRC}`, bk).findings.map((f) => f.ruleId), ["MaintainerDeprecated"]);
  assert.is(lint(`# check=skip=all\n${SRC}`, bk).findings.length, 0);
  assert.equal(lint(`# check=error=true\n${SRC}`, bk).findings.map((f) => f.severity), ["error", "error"]);
});

test("disable-ignore-pragma turns inline pragmas off", () => {
  const config = parseConfig("disable-ignore-pragma: true\n");
  assert.is(lint("FROM alpine\n# hadolint ignore=MaintainerDeprecated\nMAINTAINER a\n", { ...bk, config }).findings.length, 1);
});

test("sameAs findings on one line merge into one with both ids", () => {
  const bk = { meta: { id: "X1", source: "buildkit" as const, severity: "warning" as const, summary: "", sameAs: ["DLX"] }, check(c: import("../../linter/index.js").LintContext) { c.report(this.meta, c.instructions[0]!.range, "one"); } };
  const hl = { meta: { id: "DLX", source: "hadolint" as const, severity: "error" as const, summary: "" }, check(c: import("../../linter/index.js").LintContext) { c.report(this.meta, c.instructions[0]!.keywordRange, "two"); } };
  const r = lint("FROM alpine\n", { rules: [bk, hl] });
  assert.is(r.findings.length, 1);
  assert.equal(r.findings[0]!.ids, ["X1", "DLX"]);
  assert.is(r.findings[0]!.severity, "error");
  assert.is(r.findings[0]!.message, "one");
  const ignoredOne = lint("FROM alpine\n", { rules: [bk, hl], config: mergeConfig(DEFAULT_CONFIG, { ignored: ["DLX"] }) });
  assert.equal(ignoredOne.findings.map((f) => f.ids), []); // ignoring one id of a pair ignores both
});

test("empty-continuation moves from diagnostics to the NoEmptyContinuation rule", () => {
  const r = lint("FROM alpine\nRUN a \\\n\n  b\n", bk);
  assert.is(r.diagnostics.length, 0);
  assert.equal(r.findings.map((f) => f.ruleId), ["NoEmptyContinuation"]);
});

test("a throwing rule becomes a diagnostic, other rules still run", () => {
  const bad = { meta: { id: "Boom", source: "buildkit" as const, severity: "error" as const, summary: "" }, check() { throw new Error("kaput"); } };
  const r = lint("FROM alpine AS B\n", { rules: [bad, StageNameCasing] });
  assert.match(r.diagnostics.map((d) => d.message).join(), /rule Boom failed: kaput/);
  assert.equal(r.findings.map((f) => f.ruleId), ["StageNameCasing"]);
});

test.run();
