/** `--format gnu`: `file:line:col: severity: message [id]`, one a line (GNU coding standards). */
import { itemsOf, type FileReport } from "./types.js";

export function formatGnu(reports: readonly FileReport[]): string {
  const lines = reports.flatMap((r) =>
    itemsOf(r).map((i) => `${r.file}:${i.range.start.line}:${i.range.start.column}: ${i.severity}: ${i.message} [${i.ids.join(",")}]`),
  );
  return lines.length ? `${lines.join("\n")}\n` : "";
}
