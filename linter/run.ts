/**
 * What `kiln lint` does, without the CLI framework: find the files (globs, directories), load the
 * configuration, lint each file with its `.dockerignore`, apply fixes, format, and decide the exit
 * status. bin/commands/lint.ts only maps options onto `runLint`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { minimatch } from "minimatch";
import { KilnError } from "../util/errors.js";
import { DEFAULT_CONFIG, isFailureThreshold, loadConfig, mergeConfig, type FailureThreshold, type LintConfig } from "./config.js";
import { unifiedDiff } from "./diff.js";
import { DockerignoreCache } from "./dockerignore.js";
import { applyFixes } from "./fix.js";
import { formatReports, type FileReport, type LintFormat } from "./formatters/index.js";
import type { LintOptions } from "./context.js";
import { failsThreshold, lint } from "./lint.js";
import { lintMany, lintThreads } from "./parallel.js";
import { allRules } from "./registry.js";
import type { LintSeverity } from "./types.js";

export interface LintRunOptions {
  /** Files, directories (their Dockerfile) or globs; `-` is standard input. */
  readonly files: readonly string[];
  readonly cwd: string;
  readonly format: LintFormat;
  readonly config?: string | undefined;
  readonly ignore?: readonly string[];
  readonly severities?: Partial<Record<LintSeverity, readonly string[]>>;
  readonly enable?: readonly string[];
  readonly failureThreshold?: string | undefined;
  readonly buildArgs?: readonly string[];
  readonly platform?: string | undefined;
  readonly fix?: boolean;
  /** Run shellcheck on RUN scripts too (exit 2 when the binary is missing). */
  readonly shellcheck?: boolean;
  readonly dryRun?: boolean;
  readonly color?: boolean;
  readonly version?: string;
  readonly readStdin: () => Promise<string>;
  /** Threads to lint on (default: by the number of files, `KILN_LINT_THREADS`; 1 = this one). */
  readonly threads?: number;
}

export interface LintRunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Config files looked for in the working directory, in this order. */
export const CONFIG_FILES = [".kiln-lint.yaml", ".kiln-lint.yml", ".hadolint.yaml", ".hadolint.yml"];

const GLOB_CHARS = /[*?[\]{}]/;
const SKIP_DIRS = new Set(["node_modules", ".git", "dist", ".hg", ".svn"]);

function usage(message: string): never {
  throw new KilnError("lint-usage", message, { exitCode: 2 });
}

function walk(dir: string, out: string[]): void {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(p, out);
    } else if (e.isFile()) out.push(p);
  }
}

/** Expands the file arguments into a list of paths (as given, relative to cwd, or `-`). */
export function expandFiles(args: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  };
  for (const arg of args.length ? args : ["Dockerfile"]) {
    if (arg === "-") {
      add(arg);
      continue;
    }
    const abs = resolve(cwd, arg);
    if (!GLOB_CHARS.test(arg) || existsSync(abs)) {
      if (existsSync(abs) && statSync(abs).isDirectory()) {
        const candidates = ["Dockerfile", "Containerfile"].map((n) => join(arg, n)).filter((p) => existsSync(resolve(cwd, p)));
        if (candidates.length === 0) usage(`${arg} is a directory without a Dockerfile`);
        candidates.forEach(add);
      } else add(arg);
      continue;
    }
    // A glob: walk from its literal prefix directory.
    const parts = arg.split(/[\\/]/);
    const literal: string[] = [];
    for (const part of parts) {
      if (GLOB_CHARS.test(part)) break;
      literal.push(part);
    }
    const base = resolve(cwd, literal.join("/") || ".");
    const files: string[] = [];
    walk(base, files);
    const pattern = arg.replace(/\\/g, "/");
    const matched = files
      .map((f) => relative(cwd, f).split(sep).join("/"))
      .filter((f) => minimatch(f, pattern.replace(/^\.\//, ""), { dot: true }))
      .sort();
    if (matched.length === 0) usage(`no files match ${arg}`);
    matched.forEach(add);
  }
  return out;
}

function parseBuildArgs(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) {
      // `--build-arg NAME` takes the value from the environment, as docker build does.
      const v = eq < 0 ? process.env[item] : undefined;
      if (v === undefined) usage(`--build-arg ${item}: expected NAME=VALUE`);
      out[item] = v;
    } else out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

export function resolveConfig(options: Pick<LintRunOptions, "config" | "cwd" | "ignore" | "severities" | "enable" | "failureThreshold">): LintConfig {
  let config = DEFAULT_CONFIG;
  if (options.config) config = loadConfig(resolve(options.cwd, options.config));
  else {
    const found = CONFIG_FILES.map((f) => join(options.cwd, f)).find((p) => existsSync(p));
    if (found) config = loadConfig(found);
  }
  const override: Record<string, LintSeverity> = {};
  for (const [sev, ids] of Object.entries(options.severities ?? {}) as [LintSeverity, readonly string[]][]) for (const id of ids) override[id] = sev;
  let threshold: FailureThreshold | undefined;
  if (options.failureThreshold !== undefined) {
    if (!isFailureThreshold(options.failureThreshold)) usage(`--failure-threshold: expected error, warning, info, style or none`);
    threshold = options.failureThreshold;
  }
  return mergeConfig(config, {
    ignored: options.ignore ?? [],
    override,
    enable: options.enable ?? [],
    ...(threshold ? { failureThreshold: threshold } : {}),
  });
}

export async function runLint(options: LintRunOptions): Promise<LintRunResult> {
  const config = resolveConfig(options);
  const buildArgs = parseBuildArgs(options.buildArgs ?? []);
  const files = expandFiles(options.files, options.cwd);
  const reports: FileReport[] = [];
  let stdout = "";
  let stderr = "";
  let failed = false;
  let fixedCount = 0;
  // Read every file first, then lint them (on worker threads when there are many), then fix.
  const inputs: { file: string; name: string; text: string; options: Omit<LintOptions, "config" | "rules"> }[] = [];
  const dockerignores = new DockerignoreCache();
  for (const file of files) {
    let text: string;
    let name = file;
    if (file === "-") {
      text = await options.readStdin();
      name = "<stdin>";
    } else {
      try {
        // Synchronously: one await per file left the thread idle between small reads.
        text = readFileSync(resolve(options.cwd, file), "utf8");
      } catch (err) {
        throw new KilnError("file-not-found", `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : String(err)}`, { cause: err });
      }
    }
    inputs.push({
      file,
      name,
      text,
      options: {
        file: name,
        buildArgs,
        dockerignore: file === "-" ? dockerignores.for(join(options.cwd, "Dockerfile")) : dockerignores.for(resolve(options.cwd, file)),
        ...(options.platform ? { platform: options.platform } : {}),
        ...(options.shellcheck ? { shellcheck: true } : {}),
      },
    });
  }
  const threads = options.threads ?? lintThreads(inputs.length);
  const results = await lintMany(inputs, config, threads);
  for (let k = 0; k < inputs.length; k++) {
    const { file, name, text } = inputs[k]!;
    const lintOptions: LintOptions = { ...inputs[k]!.options, config };
    let result = results[k]!;
    if (options.fix) {
      let current = text;
      for (let round = 0; round < 5; round++) {
        const outcome = applyFixes(current, result.findings);
        if (outcome.applied.length === 0) break;
        fixedCount += outcome.applied.length;
        current = outcome.text;
        result = lint(current, lintOptions);
      }
      if (current !== text) {
        if (options.dryRun) stdout += unifiedDiff(text, current, name);
        else if (file === "-") stdout += current;
        else await writeFile(resolve(options.cwd, file), current);
      }
    }
    if (result.diagnostics.some((d) => d.severity === "error")) failed = true;
    if (failsThreshold(result.findings, config.failureThreshold)) failed = true;
    reports.push({ file: name, text: result.text, findings: result.findings, diagnostics: result.diagnostics });
  }
  const formatted = formatReports(options.format, reports, { color: options.color ?? false, rules: allRules, ...(options.version ? { version: options.version } : {}) });
  if (options.fix && (options.dryRun || files.includes("-"))) {
    // stdout carries the diff (or the fixed text); the report goes to stderr.
    stderr += formatted;
    if (options.dryRun) stderr += `${fixedCount} fix${fixedCount === 1 ? "" : "es"} would be applied\n`;
  } else {
    stdout += formatted;
    if (options.fix && fixedCount > 0) stderr += `${fixedCount} fix${fixedCount === 1 ? "" : "es"} applied\n`;
  }
  return { stdout, stderr, exitCode: failed ? 1 : 0 };
}
