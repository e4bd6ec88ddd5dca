/**
 * `--fix`: fixed files re-lint clean for the fixed rules and parse to the same instructions
 * otherwise (same kinds, same meaning of the rewritten parts).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "../../parser/index.js";
import { lint, type Finding } from "../../linter/index.js";
import { applyFixes } from "../../linter/fix.js";
import { unifiedDiff } from "../../linter/diff.js";

const FIXABLE = ["ConsistentInstructionCasing", "FromAsCasing", "StageNameCasing", "MaintainerDeprecated", "LegacyKeyValueFormat", "JSONArgsRecommended", "ExposeProtoCasing"];

function fixAll(text: string): string {
  let current = text;
  for (let i = 0; i < 5; i++) {
    const out = applyFixes(current, lint(current).findings);
    if (out.applied.length === 0) break;
    current = out.text;
  }
  return current;
}

const SOURCE = `# syntax=docker/dockerfile:1
# a comment that must stay
from golang:1.22 as Build
run go build \\
    # comment inside a continuation
    ./...
MAINTAINER Jane Doe <jane@example.com>
ENV PATH_EXTRA /opt/bin
ENV GREETING hello world
label version 1.0
EXPOSE 8080/TCP
CMD server --port 8080
ENTRYPOINT echo "$HOME"   # keeps its shell: it needs one
`;

test("fixes keep comments and formatting and re-lint clean for fixable rules", () => {
  const fixed = fixAll(SOURCE);
  assert.ok(fixed.includes("# a comment that must stay\n"));
  assert.ok(fixed.includes("RUN go build \\\n    # comment inside a continuation\n    ./...\n"));
  assert.ok(fixed.includes('FROM golang:1.22 AS build\n'));
  assert.ok(fixed.includes('LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n'));
  assert.ok(fixed.includes("ENV PATH_EXTRA=/opt/bin\n"));
  assert.ok(fixed.includes('ENV GREETING="hello world"\n'));
  assert.ok(fixed.includes("LABEL version=1.0\n"));
  assert.ok(fixed.includes("EXPOSE 8080/tcp\n"));
  assert.ok(fixed.includes('CMD ["server", "--port", "8080"]\n'));
  const left = lint(fixed).findings.filter((f: Finding) => FIXABLE.includes(f.ruleId) && f.fix);
  assert.equal(left.map((f) => f.ruleId), []);
  // Only the unfixable JSONArgsRecommended (ENTRYPOINT needs a shell) remains of those rules.
  assert.equal(lint(fixed).findings.filter((f) => FIXABLE.includes(f.ruleId)).map((f) => f.ruleId), ["JSONArgsRecommended"]);
});

test("fixed files parse to the same instructions", () => {
  const before = parse(SOURCE).dockerfile.instructions;
  const after = parse(fixAll(SOURCE)).dockerfile.instructions;
  assert.equal(after.map((i) => i.kind), before.map((i) => (i.kind === "MAINTAINER" ? "LABEL" : i.kind)));
  const env = (list: typeof before) => list.flatMap((i) => (i.kind === "ENV" ? i.pairs.map((p) => [p.key, p.value.replace(/^"|"$/g, "")]) : []));
  assert.equal(env(after), env(before));
  const cmd = after.find((i) => i.kind === "CMD");
  assert.equal(cmd?.kind === "CMD" && cmd.command.form === "exec" ? cmd.command.args : null, ["server", "--port", "8080"]);
  assert.is(after.find((i) => i.kind === "FROM" && i.stageName?.text === "build") !== undefined, true);
});

test("overlapping edits: the later fix is skipped", () => {
  const f = (id: string, start: number, end: number, newText: string): Finding => ({
    ruleId: id, ids: [id], severity: "warning", message: id, range: parse("").dockerfile.range, fix: { description: id, edits: [{ start, end, newText }] },
  });
  const out = applyFixes("abcdef", [f("b", 2, 4, "XX"), f("a", 0, 3, "Y"), f("c", 5, 6, "Z")]);
  assert.is(out.text, "YdeZ");
  assert.equal(out.applied.map((x) => x.ruleId), ["a", "c"]);
  assert.equal(out.skipped.map((x) => x.ruleId), ["b"]);
});

test("unified diff", () => {
  const d = unifiedDiff("a\nb\nc\n", "a\nB\nc\n", "Dockerfile");
  assert.is(d, "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  assert.is(unifiedDiff("x\n", "x\n", "f"), "");
});

test.run();
