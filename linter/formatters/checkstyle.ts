/** `--format checkstyle`: Checkstyle 4.3 XML, read by Jenkins, reviewdog and most CI dashboards. */
import { itemsOf, type FileReport } from "./types.js";

export function xmlEscape(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!)
    // XML 1.0 cannot carry most control characters, even escaped.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "");
}

export function formatCheckstyle(reports: readonly FileReport[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<checkstyle version="4.3">'];
  for (const r of reports) {
    out.push(`  <file name="${xmlEscape(r.file)}">`);
    for (const i of itemsOf(r)) {
      const severity = i.severity === "style" ? "info" : i.severity;
      out.push(
        `    <error line="${i.range.start.line}" column="${i.range.start.column}" severity="${severity}" message="${xmlEscape(i.message)}" source="${xmlEscape(i.ids.join(","))}"/>`,
      );
    }
    out.push("  </file>");
  }
  out.push("</checkstyle>");
  return `${out.join("\n")}\n`;
}
