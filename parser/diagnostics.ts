import type { SourceRange } from "./range.js";

export type Severity = "error" | "warning" | "info";

/** A finding about the text: data, never thrown. Codes are stable identifiers (see docs/parser.md). */
export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly range: SourceRange;
  /** A suggestion such as "did you mean RUN?". */
  readonly hint?: string;
}

/** The stable diagnostic codes the parser emits. */
export const ParseCodes = {
  unknownInstruction: "unknown-instruction",
  unknownFlag: "unknown-flag",
  invalidFlag: "invalid-flag",
  missingArguments: "missing-arguments",
  invalidArguments: "invalid-arguments",
  invalidJson: "invalid-json",
  invalidDirective: "invalid-directive",
  duplicateDirective: "duplicate-directive",
  emptyContinuation: "empty-continuation",
  unterminatedHeredoc: "unterminated-heredoc",
  invalidOnbuild: "invalid-onbuild",
  invalidMount: "invalid-mount",
  invalidHeredoc: "invalid-heredoc",
  danglingContinuation: "dangling-continuation",
} as const;
export type ParseCode = (typeof ParseCodes)[keyof typeof ParseCodes];
