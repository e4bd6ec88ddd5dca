/** `--format sarif`: SARIF 2.1.0, one run, every known rule in `tool.driver.rules`. */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import type { LintSeverity, Rule } from "../types.js";
import { docUri, itemsOf, type FileReport, type FormatOptions } from "./types.js";

const LEVEL: Record<LintSeverity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note", style: "note" };

/** An absolute file becomes a `file://` URI; a relative one a relative reference (no leading `/`). */
function uriOf(file: string): string {
  if (file === "<stdin>") return "stdin";
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(/[\\/]/).map(encodeURIComponent).join("/");
}

export function formatSarif(reports: readonly FileReport[], options: FormatOptions = {}): string {
  const rules: readonly Rule[] = options.rules ?? [];
  const index = new Map<string, number>();
  const descriptors: object[] = rules.map((r, i) => {
    index.set(r.meta.id, i);
    return {
      id: r.meta.id,
      shortDescription: { text: r.meta.summary },
      helpUri: docUri(r.meta.id),
      defaultConfiguration: { level: LEVEL[r.meta.severity] },
      properties: { source: r.meta.source, severity: r.meta.severity, ...(r.meta.sameAs ? { sameAs: r.meta.sameAs } : {}) },
    };
  });
  // shellcheck's SC codes are not registered rules: describe each one that occurs.
  for (const r of reports) {
    for (const i of itemsOf(r)) {
      if (index.has(i.ruleId) || !/^SC\d+$/.test(i.ruleId)) continue;
      index.set(i.ruleId, descriptors.length);
      descriptors.push({ id: i.ruleId, shortDescription: { text: `shellcheck ${i.ruleId}` }, helpUri: `https://www.shellcheck.net/wiki/${i.ruleId}`, properties: { source: "shellcheck" } });
    }
  }
  const results = reports.flatMap((r) =>
    itemsOf(r).map((i) => {
      const { start, end } = i.range;
      const ruleIndex = index.get(i.ruleId);
      const location = {
        physicalLocation: {
          artifactLocation: { uri: uriOf(r.file) },
          region: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: Math.max(end.column, end.line === start.line ? start.column : 1) },
        },
      };
      return {
        ruleId: i.ruleId,
        ...(ruleIndex !== undefined ? { ruleIndex } : {}),
        level: LEVEL[i.severity],
        message: { text: i.message },
        locations: [location],
        ...(i.ids.length > 1 ? { properties: { ids: i.ids } } : {}),
        ...(i.fix
          ? {
              fixes: [
                {
                  description: { text: i.fix.description },
                  artifactChanges: [
                    {
                      artifactLocation: { uri: uriOf(r.file) },
                      replacements: i.fix.edits.map((e) => ({
                        deletedRegion: { charOffset: e.start, charLength: e.end - e.start },
                        insertedContent: { text: e.newText },
                      })),
                    },
                  ],
                },
              ],
            }
          : {}),
      };
    }),
  );
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "kiln", ...(options.version ? { version: options.version } : {}), informationUri: "https://github.com/kiln-build/kiln", rules: descriptors } },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
