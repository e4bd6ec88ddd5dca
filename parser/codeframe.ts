// TEMPORARY STUB (added on branch `cli` so the CLI compiles).
// The parser engineer replaces this file with the one code-frame renderer.
import type { Diagnostic } from "./diagnostics.js";

export function renderDiagnostics(
  _text: string,
  _diagnostics: readonly Diagnostic[],
  _options: { file?: string; color?: boolean },
): string {
  throw new Error("parser/codeframe.ts is a stub: renderDiagnostics() is not implemented yet");
}
