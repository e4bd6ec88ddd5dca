/** `--format json`: one object per problem, in file then text order. */
import { itemsOf, type FileReport } from "./types.js";

export function formatJson(reports: readonly FileReport[]): string {
  const out = reports.flatMap((r) =>
    itemsOf(r).map((i) => ({
      file: r.file,
      ruleId: i.ruleId,
      ids: i.ids,
      kind: i.kind,
      severity: i.severity,
      message: i.message,
      line: i.range.start.line,
      column: i.range.start.column,
      endLine: i.range.end.line,
      endColumn: i.range.end.column,
      range: i.range,
      ...(i.fix ? { fix: i.fix } : {}),
    })),
  );
  return `${JSON.stringify(out, null, 2)}\n`;
}
