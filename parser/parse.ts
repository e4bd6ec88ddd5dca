import type { Dockerfile } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";

export interface ParseOptions {
  /** Used in diagnostics rendering only. */
  readonly file?: string;
}

export interface ParseResult {
  readonly dockerfile: Dockerfile;
  readonly diagnostics: readonly Diagnostic[];
}

/** Parses Dockerfile text. Never throws on user input; every problem is a diagnostic. */
export function parse(_text: string, _options: ParseOptions = {}): ParseResult {
  throw new Error("parser under construction");
}
