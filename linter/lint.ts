/**
 * `lint(text, options)`: parse, run the rules, then apply configuration and suppressions, merge
 * findings that two rule sets report for the same thing (`sameAs`), and sort.
 */
import { LineIndex, parse, type Diagnostic } from "../parser/index.js";
import { DEFAULT_CONFIG, type FailureThreshold, type LintConfig } from "./config.js";
import { LintContext, type LintOptions } from "./context.js";
import { allRules } from "./registry.js";
import { shellcheckRun } from "./shellcheck.js";
import { isSuppressed, parseCheckDirective, readSuppressions } from "./suppress.js";
import { severityRank, type Finding, type LintSeverity, type Rule } from "./types.js";

export interface LintResult {
  readonly file: string;
  readonly text: string;
  /** Rule findings, sorted by position then rule id. */
  readonly findings: readonly Finding[];
  /** The parser's diagnostics (those a rule re-reports, such as empty continuations, excluded). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Parser diagnostic codes that a rule reports instead (so they can be configured like rules). */
const DIAGNOSTICS_AS_RULES = new Set(["empty-continuation"]);

/** A rule's own id and the ids that mean the same thing in the other rule set. */
function idsOf(rule: Rule | undefined, id: string): readonly string[] {
  return rule?.meta.sameAs ? [id, ...rule.meta.sameAs] : [id];
}

/**
 * The rules that run under `options`: experimental ones only when enabled; ignored ones never.
 * Ignoring either id of a `sameAs` pair ignores both (a .hadolint.yaml `ignored: [DL4000]`
 * also silences MaintainerDeprecated).
 */
export function activeRules(ctxRules: readonly Rule[], enabled: (id: string) => boolean, skipped: (id: string) => boolean): Rule[] {
  return ctxRules.filter((r) => (!r.meta.experimental || enabled(r.meta.id)) && !idsOf(r, r.meta.id).some(skipped));
}

interface PreparedRule {
  readonly rule: Rule;
  /** The rule's id, lower-cased. */
  readonly id: string;
  /** Its id and `sameAs` ids, lower-cased. */
  readonly ids: readonly string[];
  /** The configuration ignores it (or a `sameAs` id of it). */
  readonly ignored: boolean;
  /**
   * `meta.experimental` and `meta.source === "buildkit"`, copied: the metas have many shapes, so
   * reading them per file and rule was a megamorphic load each.
   */
  readonly experimental: boolean;
  readonly buildkit: boolean;
}

/** What depends only on the rule list and the configuration, computed once per pair. */
interface Prepared {
  readonly rules: readonly PreparedRule[];
  /** Rule by id (findings only come from rules that ran, so every id looked up is active). */
  readonly byId: ReadonlyMap<string, Rule>;
  /** The `sameAs` ids of the rules that have some (read per finding by mergeSameAs). */
  readonly sameAs: ReadonlyMap<string, readonly string[]>;
  readonly ignored: ReadonlySet<string>;
  readonly enable: ReadonlySet<string>;
  readonly overrides: ReadonlyMap<string, LintSeverity>;
  /**
   * The rules that run on a file without a `# check=` directive or global ignore pragma (nearly
   * every file): the per-rule tests of the loop in lint() made once.
   */
  readonly plain: readonly Rule[];
}

const preparedCache = new WeakMap<readonly Rule[], WeakMap<LintConfig, Prepared>>();

function prepare(rules: readonly Rule[], config: LintConfig): Prepared {
  let byConfig = preparedCache.get(rules);
  if (!byConfig) preparedCache.set(rules, (byConfig = new WeakMap()));
  let p = byConfig.get(config);
  if (!p) {
    const byId = new Map<string, Rule>();
    const sameAs = new Map<string, readonly string[]>();
    for (const rule of rules) {
      byId.set(rule.meta.id, rule);
      if (rule.meta.sameAs && rule.meta.sameAs.length > 0) sameAs.set(rule.meta.id, rule.meta.sameAs);
    }
    const ignored = new Set(config.ignored.map((s) => s.toLowerCase()));
    const enable = new Set(config.enable.map((s) => s.toLowerCase()));
    const prepared = rules.map((rule): PreparedRule => {
      const ids = idsOf(rule, rule.meta.id).map((id) => id.toLowerCase());
      const { experimental = false, source } = rule.meta;
      return { rule, id: rule.meta.id.toLowerCase(), ids, ignored: ids.some((x) => ignored.has(x)), experimental, buildkit: source === "buildkit" };
    });
    const enableAll = enable.has("all");
    p = {
      rules: prepared,
      byId,
      sameAs,
      ignored,
      enable,
      overrides: new Map(Object.entries(config.override).map(([k, v]) => [k.toLowerCase(), v])),
      plain: prepared.filter((r) => !(r.experimental && !(enableAll || enable.has(r.id))) && !r.ignored).map((r) => r.rule),
    };
    byConfig.set(config, p);
  }
  return p;
}

export function lint(text: string, options: LintOptions = {}): LintResult {
  const lines = new LineIndex(text);
  const { dockerfile, diagnostics } = parse(text, options.file === undefined ? { lines } : { file: options.file, lines });
  const config = options.config ?? DEFAULT_CONFIG;
  const ctx = new LintContext(text, dockerfile, diagnostics, options, lines);
  const check = parseCheckDirective(dockerfile);
  const prepared = prepare(options.rules ?? allRules, config);
  const { enable } = prepared;
  const enableAll = enable.has("all") || check.experimentalAll;
  const suppressions = readSuppressions(dockerfile, !config.disableIgnorePragma);

  const sourceOf = prepared.byId;
  const extra: Diagnostic[] = [];
  const globalIgnored = suppressions.global;
  const checked = check.skip.size > 0 || check.experimental.size > 0;
  if (!checked && globalIgnored.size === 0) {
    // No directive or global pragma changes which rules run: the list made once.
    const plain = prepared.plain;
    for (let k = 0; k < plain.length; k++) runRule(plain[k]!, ctx, extra);
  } else {
    // The rules that run (as activeRules): experimental ones only when enabled; ignored ones never.
    for (const { rule, id, ids, ignored, experimental, buildkit } of prepared.rules) {
      if (experimental && !(enableAll || enable.has(id) || check.experimental.has(id))) continue;
      if (ignored || (globalIgnored.size > 0 && ids.some((x) => globalIgnored.has(x)))) continue;
      if (buildkit && (check.skipAll || check.skip.has(id))) continue;
      runRule(rule, ctx, extra);
    }
  }

  const overrides = prepared.overrides;
  const suppressible = globalIgnored.size > 0 || suppressions.byInstruction.length > 0;
  let kept: Finding[];
  if (!suppressible && overrides.size === 0 && !check.error) kept = ctx.findings; // nothing to change
  else {
    kept = [];
    for (const f of ctx.findings) {
      const lower = f.ruleId.toLowerCase();
      if (suppressible && idsOf(sourceOf.get(f.ruleId), f.ruleId).some((id) => isSuppressed(suppressions, id, f.range.start.offset))) continue;
      let severity: LintSeverity = overrides.get(lower) ?? f.severity;
      if (check.error && sourceOf.get(f.ruleId)?.meta.source === "buildkit" && !overrides.has(lower)) severity = "error";
      kept.push(severity === f.severity ? f : { ...f, severity });
    }
  }

  const findings = mergeSameAs(kept, prepared.sameAs);
  // shellcheck's SC findings apply suppressions and the configuration themselves.
  if (options.shellcheck) findings.push(...shellcheckRun(ctx));
  sortFindings(findings);
  const shown = diagnostics.filter((d) => !DIAGNOSTICS_AS_RULES.has(d.code));
  return { file: ctx.file, text, findings, diagnostics: extra.length ? [...shown, ...extra] : shown };
}

/** Runs one rule; a rule bug must not hide the other findings: it becomes a diagnostic naming the rule. */
function runRule(rule: Rule, ctx: LintContext, extra: Diagnostic[]): void {
  try {
    rule.check(ctx);
  } catch (err) {
    extra.push({
      code: "lint-rule-failed",
      severity: "error",
      message: `rule ${rule.meta.id} failed: ${err instanceof Error ? err.message : String(err)}`,
      range: ctx.dockerfile.range,
    });
  }
}

/**
 * Sorts in place by compareFindings, stably: the same order as Array.prototype.sort (stable too).
 * A file has a dozen findings or so: an insertion sort with the comparison inlined is several times
 * cheaper than sort() calling the comparator through the builtin.
 */
function sortFindings(findings: Finding[]): void {
  if (findings.length > 64) {
    findings.sort(compareFindings);
    return;
  }
  for (let i = 1; i < findings.length; i++) {
    const f = findings[i]!;
    let j = i - 1;
    while (j >= 0 && compareFindings(findings[j]!, f) > 0) {
      findings[j + 1] = findings[j]!;
      j--;
    }
    findings[j + 1] = f;
  }
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.offset - b.range.start.offset ||
    a.range.end.offset - b.range.end.offset ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/**
 * Two findings on the same line whose rules name each other in `sameAs` become one, with both
 * ids (the first registered rule's message and fix, the higher severity).
 */
function mergeSameAs(findings: Finding[], sameAsOf: ReadonlyMap<string, readonly string[]>): Finding[] {
  if (findings.length < 2 || sameAsOf.size === 0) return findings;
  const out: Finding[] = [];
  const merged = new Uint8Array(findings.length);
  for (let i = 0; i < findings.length; i++) {
    if (merged[i] === 1) continue;
    const f = findings[i]!;
    const same = sameAsOf.get(f.ruleId);
    if (!same) {
      out.push(f);
      continue;
    }
    let result = f;
    for (let j = i + 1; j < findings.length; j++) {
      if (merged[j] === 1) continue;
      const g = findings[j]!;
      // The line first: findings of other lines (most) never merge.
      if (g.range.start.line !== f.range.start.line) continue;
      const mutual = same.includes(g.ruleId) || (sameAsOf.get(g.ruleId)?.includes(f.ruleId) ?? false);
      if (!mutual || result.ids.includes(g.ruleId)) continue;
      merged[j] = 1;
      const severity = severityRank(g.severity) > severityRank(result.severity) ? g.severity : result.severity;
      result = mergedWith(result, g, severity);
    }
    out.push(result);
  }
  return out;
}

/**
 * `result` standing also for `g`: built field by field, in `report()`'s key order, not by spread
 * and `delete` (which turned every merged finding into a slow dictionary-mode object).
 */
function mergedWith(result: Finding, g: Finding, severity: LintSeverity): Finding {
  const ids = [...result.ids, g.ruleId];
  const fix = result.fix ?? g.fix;
  const { ruleId, message, range } = result;
  return fix === undefined ? { ruleId, ids, severity, message, range } : { ruleId, ids, severity, message, range, fix };
}

/** True when some finding is at or above the threshold (parse errors are handled by the caller). */
export function failsThreshold(findings: readonly Finding[], threshold: FailureThreshold): boolean {
  if (threshold === "none") return false;
  const min = severityRank(threshold);
  return findings.some((f) => severityRank(f.severity) >= min);
}
