import type { Diagnostic } from "../../parser/index.js";
import type { Finding, Rule } from "../types.js";

/** What every formatter gets: the results of each file, in the order given. */
export interface FileReport {
  readonly file: string;
  readonly text: string;
  readonly findings: readonly Finding[];
  /** Parser diagnostics (their `code` stands where a rule id would). */
  readonly diagnostics: readonly Diagnostic[];
}

export interface FormatOptions {
  readonly color?: boolean;
  /** Rules to describe in SARIF `tool.driver.rules`. */
  readonly rules?: readonly Rule[];
  readonly version?: string;
}

/** A finding or a parse diagnostic, as formatters print them. */
export interface Item extends Finding {
  readonly kind: "finding" | "diagnostic";
}

/** Findings and diagnostics of a file, merged and in text order. */
export function itemsOf(report: FileReport): Item[] {
  const items: Item[] = [
    ...report.diagnostics.map((d): Item => ({ kind: "diagnostic", ruleId: d.code, ids: [d.code], severity: d.severity, message: d.hint ? `${d.message} (${d.hint})` : d.message, range: d.range })),
    ...report.findings.map((f): Item => ({ ...f, kind: "finding" })),
  ];
  items.sort((a, b) => a.range.start.offset - b.range.start.offset || (a.kind === b.kind ? 0 : a.kind === "diagnostic" ? -1 : 1));
  return items;
}

/** Where rule docs live; SARIF helpUri and the tty output point here. */
export const DOCS_BASE = "https://github.com/kiln-build/kiln/blob/main/linter/docs/";

export function docUri(id: string): string {
  return `${DOCS_BASE}${encodeURIComponent(id)}.md`;
}
