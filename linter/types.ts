/**
 * The linter's data: rules are `{ meta, check(ctx) }`, findings are data with places. See
 * linter/README.md for how to write a rule.
 */
import type { SourceRange } from "../parser/index.js";
import type { LintContext } from "./context.js";

/** From most to least severe. `style` findings never fail a build unless the threshold says so. */
export type LintSeverity = "error" | "warning" | "info" | "style";

export const SEVERITIES: readonly LintSeverity[] = ["error", "warning", "info", "style"];

/** Higher is more severe: error 3, warning 2, info 1, style 0. */
export function severityRank(s: LintSeverity): number {
  switch (s) {
    case "error":
      return 3;
    case "warning":
      return 2;
    case "info":
      return 1;
    case "style":
      return 0;
  }
}

export function isSeverity(s: string): s is LintSeverity {
  return s === "error" || s === "warning" || s === "info" || s === "style";
}

export type RuleSource = "buildkit" | "hadolint";

export interface RuleMeta {
  /** `StageNameCasing`, `DL3008`: the name users write in ignore lists. */
  readonly id: string;
  readonly source: RuleSource;
  /** Default severity; configuration may override it. */
  readonly severity: LintSeverity;
  /** One line: what the rule wants. */
  readonly summary: string;
  /**
   * Ids in the other rule set that mean the same thing. When both fire on the same line they are
   * reported once, with both ids (`ids`).
   */
  readonly sameAs?: readonly string[];
  /** The rule attaches mechanical fixes (`kiln lint --fix`). */
  readonly fixable?: boolean;
  /** Off unless enabled (`--enable ID`, `# check=experimental=ID`), as in BuildKit. */
  readonly experimental?: boolean;
}

/** One replacement on the original text: `text.slice(start, end)` becomes `newText`. */
export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

export interface Fix {
  readonly description: string;
  /** Offsets into the original text; non-overlapping. */
  readonly edits: readonly Edit[];
}

export interface Finding {
  /** The rule that produced it (the first of `ids` after merging). */
  readonly ruleId: string;
  /** Every rule id this finding stands for: `[ruleId]`, or two ids after a `sameAs` merge. */
  readonly ids: readonly string[];
  readonly severity: LintSeverity;
  readonly message: string;
  readonly range: SourceRange;
  readonly fix?: Fix;
}

export interface Rule {
  readonly meta: RuleMeta;
  /** Reports through `ctx.report(...)`. Must not throw on any parsed input. */
  check(ctx: LintContext): void;
}
