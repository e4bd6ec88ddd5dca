/**
 * `kiln lint --shellcheck`: runs the `shellcheck` binary on every RUN script (the shell-form
 * command with its heredocs, `RUN <<EOF` bodies, bodies fed to `bash <<EOF`, `sh -c` exec forms)
 * and maps its findings back to Dockerfile ranges, as `SC<code>` findings.
 *
 * Scripts are written to a temporary directory and checked in one shellcheck process per
 * dialect (`-s sh` under the default SHELL, `-s bash` under a bash/zsh/ksh SHELL; non-POSIX
 * SHELLs are skipped). Suppressions (`# hadolint ignore=SC2086`, global ignores), `ignored`
 * and `override` from the configuration apply as for any rule.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KilnError } from "../util/errors.js";
import { childProcess } from "../util/lazy-builtins.js";
import type { LintContext } from "./context.js";
import { runs } from "./rules/hadolint/helpers.js";
import { shellDialect, type ShellSource } from "./shell/index.js";
import { isSuppressed, readSuppressions } from "./suppress.js";
import { isSeverity, type Finding, type LintSeverity } from "./types.js";

export interface ShellcheckOptions {
  /** The shellcheck executable (default `shellcheck` on PATH, or `$SHELLCHECK`). */
  readonly binary?: string;
  /**
   * Codes never reported. Default: SC2154 (variables come from ARG/ENV, which shellcheck cannot
   * see), SC1090/SC1091 (sourced files are not in the context).
   */
  readonly exclude?: readonly string[];
}

export const DEFAULT_SHELLCHECK_EXCLUDE: readonly string[] = ["SC2154", "SC1090", "SC1091"];

interface ShellcheckComment {
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  readonly column: number;
  readonly endColumn: number;
  readonly level: string;
  readonly code: number;
  readonly message: string;
}

/** Whether a shellcheck binary can be run. */
export function shellcheckAvailable(binary = process.env.SHELLCHECK ?? "shellcheck"): boolean {
  const r = childProcess().spawnSync(binary, ["--version"], { encoding: "utf8" });
  return r.status === 0;
}

/** Script offset of a 1-based line and column (tabs count as one column in shellcheck's json1). */
function offsetOf(lineStarts: readonly number[], text: string, line: number, column: number): number {
  const start = lineStarts[Math.max(0, Math.min(line - 1, lineStarts.length - 1))]!;
  return Math.min(start + Math.max(0, column - 1), text.length);
}

function lineStartsOf(text: string): number[] {
  const out = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) out.push(k + 1);
  return out;
}

/**
 * Runs shellcheck on the RUN scripts of a lint context and returns its findings (ruleId
 * `SC2086`...), sorted by position. Throws `KilnError` `shellcheck-missing` (exit 2) when the
 * binary cannot be run.
 */
export function shellcheckRun(ctx: LintContext, options: ShellcheckOptions = {}): Finding[] {
  const binary = options.binary ?? process.env.SHELLCHECK ?? "shellcheck";
  const exclude = new Set((options.exclude ?? DEFAULT_SHELLCHECK_EXCLUDE).map((s) => s.toUpperCase()));
  const groups = new Map<"sh" | "bash", { file: string; source: ShellSource }[]>();
  const dir = mkdtempSync(join(tmpdir(), "kiln-shellcheck-"));
  const findings: Finding[] = [];
  try {
    let n = 0;
    for (const info of runs(ctx)) {
      const dialect = shellDialect(info.shell);
      if (dialect === "other") continue;
      for (const source of info.sources) {
        if (source.script.text.trim() === "") continue;
        const file = join(dir, `run-${n++}.${dialect}`);
        writeFileSync(file, source.script.text);
        let list = groups.get(dialect);
        if (!list) groups.set(dialect, (list = []));
        list.push({ file, source });
      }
    }
    for (const [dialect, list] of groups) {
      const r = childProcess().spawnSync(binary, ["-f", "json1", "-s", dialect, ...list.map((x) => x.file)], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
      if (r.error || r.status === null || (r.status !== 0 && r.status !== 1)) {
        const why = r.error ? r.error.message : (r.stderr || `exit status ${r.status}`).trim();
        throw new KilnError("shellcheck-missing", `cannot run shellcheck (${binary}): ${why}`, { exitCode: 2, cause: r.error });
      }
      let comments: ShellcheckComment[];
      try {
        comments = (JSON.parse(r.stdout) as { comments: ShellcheckComment[] }).comments;
      } catch (err) {
        throw new KilnError("shellcheck-output", `shellcheck printed output kiln cannot read: ${String(err)}`, { exitCode: 2, cause: err });
      }
      const byFile = new Map(list.map((x) => [x.file, { source: x.source, lines: lineStartsOf(x.source.script.text) }]));
      for (const c of comments) {
        const entry = byFile.get(c.file);
        if (!entry) continue;
        const id = `SC${c.code}`;
        if (exclude.has(id)) continue;
        const text = entry.source.script.text;
        const start = offsetOf(entry.lines, text, c.line, c.column);
        const end = Math.max(start, offsetOf(entry.lines, text, c.endLine, c.endColumn));
        const severity: LintSeverity = isSeverity(c.level) ? c.level : "warning";
        findings.push({ ruleId: id, ids: [id], severity, message: c.message, range: entry.source.range({ start, end }) });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Configuration and suppressions, as lint() applies them to rule findings.
  const suppressions = readSuppressions(ctx.dockerfile, !ctx.config.disableIgnorePragma);
  const ignored = new Set(ctx.config.ignored.map((s) => s.toLowerCase()));
  const overrides = new Map(Object.entries(ctx.config.override).map(([k, v]) => [k.toLowerCase(), v]));
  const kept: Finding[] = [];
  for (const f of findings) {
    const lower = f.ruleId.toLowerCase();
    if (ignored.has(lower) || suppressions.global.has(lower) || isSuppressed(suppressions, f.ruleId, f.range.start.offset)) continue;
    const severity = overrides.get(lower) ?? f.severity;
    kept.push(severity === f.severity ? f : { ...f, severity });
  }
  kept.sort((a, b) => a.range.start.offset - b.range.start.offset || a.range.end.offset - b.range.end.offset || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
  return kept;
}
