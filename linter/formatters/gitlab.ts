/** `--format gitlab`: GitLab Code Quality report (a JSON array of issues). */
import { crypto } from "../../util/lazy-builtins.js";
import type { LintSeverity } from "../types.js";
import { itemsOf, type FileReport } from "./types.js";

const SEVERITY: Record<LintSeverity, string> = { error: "critical", warning: "major", info: "minor", style: "info" };

export function formatGitlab(reports: readonly FileReport[]): string {
  const out = reports.flatMap((r) =>
    itemsOf(r).map((i) => ({
      description: i.message,
      check_name: i.ids.join(","),
      // Stable across runs and unrelated edits elsewhere in the file: file, rule, line text.
      fingerprint: crypto().createHash("md5")
        .update(`${r.file}\0${i.ids.join(",")}\0${i.message}\0${r.text.slice(i.range.start.offset, i.range.end.offset)}`)
        .digest("hex"),
      severity: SEVERITY[i.severity],
      location: { path: r.file, lines: { begin: i.range.start.line } },
    })),
  );
  return `${JSON.stringify(out, null, 2)}\n`;
}
