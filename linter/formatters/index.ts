/** The output formats of `kiln lint --format`. */
import { assertNever } from "../../util/errors.js";
import { formatCheckstyle } from "./checkstyle.js";
import { formatGitlab } from "./gitlab.js";
import { formatGnu } from "./gnu.js";
import { formatJson } from "./json.js";
import { formatSarif } from "./sarif.js";
import { formatTty } from "./tty.js";
import type { FileReport, FormatOptions } from "./types.js";

export const LINT_FORMATS = ["tty", "json", "sarif", "checkstyle", "gnu", "gitlab"] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

export function formatReports(format: LintFormat, reports: readonly FileReport[], options: FormatOptions = {}): string {
  switch (format) {
    case "tty":
      return formatTty(reports, options);
    case "json":
      return formatJson(reports);
    case "sarif":
      return formatSarif(reports, options);
    case "checkstyle":
      return formatCheckstyle(reports);
    case "gnu":
      return formatGnu(reports);
    case "gitlab":
      return formatGitlab(reports);
    default:
      return assertNever(format, "lint format");
  }
}

export type { FileReport, FormatOptions } from "./types.js";
export { docUri, DOCS_BASE, itemsOf } from "./types.js";
