/**
 * Rule tests are tables: every rule test file calls `ruleCases(rule, { fires, passes })` and
 * exports the result as `cases`. Each case becomes a uvu test; test/linter/meta.test.ts imports
 * every rule's test file, checks there is at least one case of each kind, and runs them again
 * itself, so a table cannot be satisfied by an empty or non-asserting test.
 */
import { suite, type Test } from "uvu";
import * as assert from "uvu/assert";
import { lint, DEFAULT_CONFIG, mergeConfig, type Finding, type LintOptions, type Rule } from "../../linter/index.js";

export interface FireCase {
  readonly dockerfile: string;
  /** Expected message (exact string or pattern) of the first finding. */
  readonly message?: string | RegExp;
  /** Expected 1-based line of the first finding. */
  readonly line?: number;
  /** Expected number of findings of the rule (default: at least one). */
  readonly count?: number;
  readonly options?: LintOptions;
}

export interface PassCase {
  readonly dockerfile: string;
  readonly options?: LintOptions;
}

export interface RuleCases {
  readonly rule: string;
  readonly fires: readonly FireCase[];
  readonly passes: readonly PassCase[];
}

/** Lints with `rule` enabled (even when experimental) and returns its findings. */
export function findingsOf(ruleId: string, dockerfile: string, options: LintOptions = {}): Finding[] {
  const config = mergeConfig(options.config ?? DEFAULT_CONFIG, { enable: [ruleId] });
  return lint(dockerfile, { ...options, config }).findings.filter((f) => f.ids.includes(ruleId));
}

/** Asserts one case; returns a failure description or null (used by the meta test too). */
export function checkFire(ruleId: string, c: FireCase): string | null {
  const found = findingsOf(ruleId, c.dockerfile, c.options);
  if (found.length === 0) return `expected ${ruleId} to fire on:\n${c.dockerfile}`;
  if (c.count !== undefined && found.length !== c.count) return `expected ${c.count} ${ruleId} findings, got ${found.length}: ${found.map((f) => f.message).join(" | ")}`;
  const first = found[0]!;
  if (typeof c.message === "string" && first.message !== c.message) return `message: expected ${JSON.stringify(c.message)}, got ${JSON.stringify(first.message)}`;
  if (c.message instanceof RegExp && !c.message.test(first.message)) return `message ${JSON.stringify(first.message)} does not match ${c.message}`;
  if (c.line !== undefined && first.range.start.line !== c.line) return `line: expected ${c.line}, got ${first.range.start.line}`;
  return null;
}

export function checkPass(ruleId: string, c: PassCase): string | null {
  const found = findingsOf(ruleId, c.dockerfile, c.options);
  return found.length === 0 ? null : `expected ${ruleId} not to fire, got: ${found.map((f) => `${f.range.start.line}: ${f.message}`).join(" | ")}\n${c.dockerfile}`;
}

type Case = string | FireCase;
type Pass = string | PassCase;

export function ruleCases(
  rule: Rule,
  table: { readonly fires: readonly Case[]; readonly passes: readonly Pass[] },
  more?: (test: Test) => void,
): RuleCases {
  const id = rule.meta.id;
  const cases: RuleCases = {
    rule: id,
    fires: table.fires.map((c) => (typeof c === "string" ? { dockerfile: c } : c)),
    passes: table.passes.map((c) => (typeof c === "string" ? { dockerfile: c } : c)),
  };
  const test = suite(id);
  cases.fires.forEach((c, i) => {
    test(`fires #${i + 1}: ${firstLine(c.dockerfile)}`, () => {
      const failure = checkFire(id, c);
      assert.ok(failure === null, failure ?? "");
    });
  });
  cases.passes.forEach((c, i) => {
    test(`passes #${i + 1}: ${firstLine(c.dockerfile)}`, () => {
      const failure = checkPass(id, c);
      assert.ok(failure === null, failure ?? "");
    });
  });
  more?.(test);
  test.run();
  return cases;
}

function firstLine(text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
  return (lines.find((l) => !/^FROM\b/i.test(l)) ?? lines[0] ?? "").slice(0, 60);
}
