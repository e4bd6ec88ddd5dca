/**
 * The one code-frame renderer: a diagnostic as a headline, the file position, and the source
 * lines around it with the range underlined. Used by `kiln parse`, `kiln lint` and build errors.
 */
import type { Diagnostic } from "./diagnostics.js";
import { LineIndex } from "./range.js";

export interface RenderOptions {
  readonly file?: string;
  readonly color?: boolean;
  /** Lines of context shown before the diagnostic's line. */
  readonly context?: number;
}

const TAB = "    ";

function paint(on: boolean, code: string, s: string): string {
  return on ? `\x1b[${code}m${s}\x1b[0m` : s;
}

function lineText(index: LineIndex, line: number): string {
  const start = index.lineStart(line);
  const next = line < index.lineCount ? index.lineStart(line + 1) : index.text.length;
  return index.text.slice(start, next).replace(/\r?\n$|\r$/, "");
}

/** Display width of `text[0, column-1)` with tabs expanded. */
function displayColumn(text: string, column: number): number {
  let w = 0;
  for (let i = 0; i < column - 1 && i < text.length; i++) w += text[i] === "\t" ? TAB.length : 1;
  return w + Math.max(0, column - 1 - text.length);
}

export function renderDiagnostic(text: string, d: Diagnostic, options: RenderOptions = {}, index = new LineIndex(text)): string {
  const color = options.color ?? false;
  const sevColor = d.severity === "error" ? "31;1" : d.severity === "warning" ? "33;1" : "36;1";
  const { start, end } = d.range;
  const out: string[] = [];
  out.push(`${paint(color, sevColor, `${d.severity}[${d.code}]`)}${paint(color, "1", `: ${d.message}`)}`);
  out.push(`  --> ${options.file ?? "Dockerfile"}:${start.line}:${start.column}`);
  const first = Math.max(1, start.line - (options.context ?? 1));
  const gutter = String(start.line).length;
  const bar = paint(color, "34;1", `${" ".repeat(gutter + 1)}|`);
  out.push(bar);
  for (let line = first; line <= start.line; line++) {
    const src = lineText(index, line);
    out.push(`${paint(color, "34;1", `${String(line).padStart(gutter)} |`)} ${src.replace(/\t/g, TAB)}`);
    if (line === start.line) {
      const from = displayColumn(src, start.column);
      const to = end.line === start.line ? displayColumn(src, end.column) : displayColumn(src, src.length + 1);
      const marks = "^".repeat(Math.max(1, to - from));
      out.push(`${bar} ${" ".repeat(from)}${paint(color, sevColor, marks)}${d.hint ? " " + paint(color, sevColor, d.hint) : ""}`);
    }
  }
  return out.join("\n");
}

/** Every diagnostic as a code frame, separated by blank lines. */
export function renderDiagnostics(text: string, diagnostics: readonly Diagnostic[], options: RenderOptions = {}): string {
  const index = new LineIndex(text);
  return diagnostics.map((d) => renderDiagnostic(text, d, options, index)).join("\n\n") + (diagnostics.length ? "\n" : "");
}
