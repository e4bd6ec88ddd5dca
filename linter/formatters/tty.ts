/** Human output: code frames grouped by file, then a one-line summary. */
import { LineIndex, renderDiagnostic, type Diagnostic } from "../../parser/index.js";
import type { LintSeverity } from "../types.js";
import { itemsOf, type FileReport, type FormatOptions } from "./types.js";

function diagSeverity(s: LintSeverity): Diagnostic["severity"] {
  return s === "style" ? "info" : s;
}

export function formatTty(reports: readonly FileReport[], options: FormatOptions = {}): string {
  const color = options.color ?? false;
  const counts: Record<LintSeverity, number> = { error: 0, warning: 0, info: 0, style: 0 };
  const out: string[] = [];
  for (const report of reports) {
    const items = itemsOf(report);
    if (items.length === 0) continue;
    out.push(color ? `\x1b[4m${report.file}\x1b[0m` : report.file);
    const index = new LineIndex(report.text);
    for (const item of items) {
      counts[item.severity]++;
      const d: Diagnostic = {
        code: item.ids.join(", "),
        severity: diagSeverity(item.severity),
        message: item.severity === "style" ? `(style) ${item.message}` : item.message,
        range: item.range,
        ...(item.fix ? { hint: `fixable: ${item.fix.description}` } : {}),
      };
      out.push(renderDiagnostic(report.text, d, { file: report.file, color }, index), "");
    }
  }
  const total = counts.error + counts.warning + counts.info + counts.style;
  if (total === 0) return "";
  const parts = (["error", "warning", "info", "style"] as const).filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}${counts[s] === 1 || s === "info" || s === "style" ? "" : "s"}`);
  out.push(`${total} problem${total === 1 ? "" : "s"} (${parts.join(", ")})`);
  return `${out.join("\n")}\n`;
}
