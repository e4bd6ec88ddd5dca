/**
 * Lint throughput: Dockerfiles per second for `kiln lint` (every registered rule, experimental
 * ones included) against dockerfilelint's `run()` and dockerfile-utils' `validate()`, over the
 * generated corpus (bench/corpus.ts).
 *
 * Fairness: the same strings for every tool, in one process, warm-up rounds for every tool, then
 * rounds with the order of the tools alternating; medians. Every call is timed on its own, and
 * a call that throws is counted as a crash of that tool (dockerfilelint throws on some valid
 * files, e.g. HEALTHCHECK with options): its time still counts, and besides the rate over the
 * whole corpus the bench prints the rate over the files no tool threw on, since a tool that
 * gives up early on a file has done less work. Peak RSS comes from one child process per tool
 * (lint the corpus once), minus a child that only generates the corpus.
 *
 * Then the CLI: `kiln lint --enable all --format json` over the corpus written to a temporary
 * directory, with one thread and with a worker thread per core (the default from three cores), wall time
 * per run including start-up, reading and formatting. The peers are not run as CLIs; their
 * in-process rate is the comparison (their best case).
 *
 * Peers that are not installed are skipped with a message (devDependencies `dockerfilelint`,
 * `dockerfile-utils`).
 *
 * Options (env): KILN_BENCH_LINT_FILES (5000), KILN_BENCH_ROUNDS (5), KILN_BENCH_WARMUP (2),
 * KILN_BENCH_SEED (1), KILN_BENCH_CLI_RUNS (3; 0 skips the CLI part).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { allRules, DEFAULT_CONFIG, lint, mergeConfig, type Rule } from "../linter/index.js";
import { runs } from "../linter/rules/hadolint/helpers.js";
import { parse } from "../parser/index.js";
import { generateCorpus } from "./corpus.js";
import { fmt, median } from "./stats.js";

export interface LintBenchOptions {
  readonly files: number;
  readonly rounds: number;
  readonly warmup: number;
  readonly seed: number;
  readonly cliRuns: number;
}

type LintFn = (text: string) => number;

interface Side {
  readonly name: string;
  readonly rules: string;
  readonly fn: LintFn;
  /** Per round: total ms, and ms over the files no tool threw on. */
  readonly times: number[];
  readonly commonTimes: number[];
  /** Files this tool threw on (the same every round: the tools are deterministic). */
  readonly threw: Set<number>;
}

let sink = 0;

const DOCKERIGNORE = "*.env\nnode_modules\n";
const kilnConfig = mergeConfig(DEFAULT_CONFIG, { enable: ["all"] });

const kilnLint: LintFn = (text) => {
  const r = lint(text, { config: kilnConfig, dockerignore: DOCKERIGNORE });
  return r.findings.length + r.diagnostics.length;
};

/**
 * Floors: what kiln spends before any rule runs, timed like the tools. `parse()` alone (the
 * Chevrotain grammar and the instruction parsers, as `kiln build` uses them), and `lint()` with
 * one rule that only asks for every RUN's shell scripts (the lint context, stages, scopes and
 * the shell parser over each RUN body and heredoc) and reports nothing. A linter with rules
 * cannot be faster than these; they bound what the 3x goal leaves to the rules.
 */
const FLOOR_PARSE = "kiln parse only";
const FLOOR_SCRIPTS = "kiln + RUN scripts";
const parseOnly: LintFn = (text) => parse(text).dockerfile.instructions.length;

const SCRIPTS_ONLY: readonly Rule[] = [
  {
    meta: { id: "BenchRunScripts", source: "hadolint", severity: "info", summary: "parses every RUN body; reports nothing" },
    check(ctx) {
      sink ^= runs(ctx).length;
    },
  },
];
const parseAndScripts: LintFn = (text) => {
  const r = lint(text, { config: kilnConfig, dockerignore: DOCKERIGNORE, rules: SCRIPTS_ONLY });
  return r.findings.length + r.diagnostics.length;
};

/** A peer's lint function, or why it cannot run. */
async function peer(name: "dockerfilelint" | "dockerfile-utils"): Promise<LintFn | string> {
  try {
    if (name === "dockerfilelint") {
      const mod = (await import(name)) as { default?: { run?: (ctx: string, text: string) => unknown[] }; run?: (ctx: string, text: string) => unknown[] };
      const run = mod.run ?? mod.default?.run;
      return typeof run === "function" ? (text) => run("/tmp", text).length : "no run() export";
    }
    const mod = (await import(name)) as { validate?: (text: string) => unknown[]; default?: { validate?: (text: string) => unknown[] } };
    const validate = mod.validate ?? mod.default?.validate;
    return typeof validate === "function" ? (text) => validate(text).length : "no validate() export";
  } catch (err) {
    return `not installed (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
  }
}

/** One pass over the corpus: per-file times into `perFile`, crashes into `threw`. */
function timeRound(side: Side, corpus: readonly string[], perFile: Float64Array): number {
  let n = 0;
  let total = 0;
  for (let k = 0; k < corpus.length; k++) {
    const t0 = performance.now();
    try {
      n += side.fn(corpus[k]!);
    } catch {
      side.threw.add(k);
    }
    const dt = performance.now() - t0;
    perFile[k] = dt;
    total += dt;
  }
  sink ^= n;
  return total;
}

const selfPath = fileURLToPath(import.meta.url);

/** Peak RSS (MB) of a child that generates the corpus and lints it once with `side`. */
function probeRss(side: string, options: LintBenchOptions): number | null {
  const r = spawnSync(process.execPath, [selfPath, "--rss-probe", side, String(options.files), String(options.seed)], { encoding: "utf8" });
  const m = /^maxrss-kb (\d+)$/m.exec(r.stdout ?? "");
  return r.status === 0 && m ? Number(m[1]) / 1024 : null;
}

async function rssProbe(side: string, files: number, seed: number): Promise<void> {
  const corpus = generateCorpus(files, seed);
  const fn = side === "kiln" ? kilnLint : side === "none" ? null : await peer(side as "dockerfilelint" | "dockerfile-utils");
  if (typeof fn === "string") process.exit(1);
  if (fn) {
    for (const text of corpus) {
      try {
        sink ^= fn(text);
      } catch {
        // counted in the main run
      }
    }
  }
  console.log(`maxrss-kb ${process.resourceUsage().maxRSS}`);
}

/** `kiln lint` over the corpus on disk: median wall ms per thread setting. */
function runCli(corpus: readonly string[], runs: number, log: (line: string) => void): Map<string, number> | null {
  const kilnMjs = fileURLToPath(new URL("../../kiln.mjs", import.meta.url));
  if (!existsSync(kilnMjs)) {
    log(`  CLI: skipped, ${kilnMjs} is not built`);
    return null;
  }
  const dir = mkdtempSync(join(tmpdir(), "kiln-bench-lint-"));
  try {
    corpus.forEach((text, k) => writeFileSync(join(dir, `${String(k).padStart(5, "0")}.Dockerfile`), text));
    writeFileSync(join(dir, ".dockerignore"), DOCKERIGNORE);
    const cores = availableParallelism();
    // the default is one thread on two cores or fewer (linter/parallel.ts lintThreads)
    const settings: [string, string | undefined][] = [[cores <= 2 ? "1 thread (default)" : "1 thread", "1"], [`${cores} threads${cores <= 2 ? "" : " (default)"}`, String(cores)]];
    const times = new Map<string, number[]>(settings.map(([name]) => [name, []]));
    for (let run = 0; run < runs; run++) {
      for (const [name, threads] of run % 2 === 0 ? settings : [...settings].reverse()) {
        const env = { ...process.env };
        if (threads === undefined) delete env.KILN_LINT_THREADS;
        else env.KILN_LINT_THREADS = threads;
        const t0 = performance.now();
        const r = spawnSync(process.execPath, [kilnMjs, "lint", "--enable", "all", "--format", "json", "*.Dockerfile"], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
        const ms = performance.now() - t0;
        if (r.status !== 0 && r.status !== 1) {
          log(`  CLI (${name}): exit ${r.status}: ${(r.stderr ?? "").split("\n")[0]}`);
          return null;
        }
        times.get(name)!.push(ms);
      }
    }
    return new Map([...times].map(([name, t]) => [name, median(t)]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runLintBench(options: LintBenchOptions, log: (line: string) => void = console.log): Promise<void> {
  const corpus = generateCorpus(options.files, options.seed);
  log(`lint: ${corpus.length} files (seed ${options.seed}), ${options.warmup} warm-up + ${options.rounds} measured rounds per tool; kiln runs ${allRules.length} rules`);
  const side = (name: string, rules: string, fn: LintFn): Side => ({ name, rules, fn, times: [], commonTimes: [], threw: new Set() });
  const sides: Side[] = [side("kiln", `${allRules.length} rules`, kilnLint)];
  for (const name of ["dockerfilelint", "dockerfile-utils"] as const) {
    const p = await peer(name);
    if (typeof p === "string") log(`  ${name}: skipped, ${p}`);
    else sides.push(side(name, "its default rules", p));
  }
  const floors: Side[] = [side(FLOOR_PARSE, "no rules", parseOnly), side(FLOOR_SCRIPTS, "no rules", parseAndScripts)];
  sides.push(...floors);
  const perFile = new Float64Array(corpus.length);
  for (let w = 0; w < options.warmup; w++) for (const s of sides) timeRound(s, corpus, perFile);
  // Files every tool handled (crashes are deterministic, so the warm-up found them all).
  const common = corpus.map((_, k) => k).filter((k) => sides.every((s) => !s.threw.has(k)));
  for (let round = 0; round < options.rounds; round++) {
    for (const s of round % 2 === 0 ? sides : [...sides].reverse()) {
      s.times.push(timeRound(s, corpus, perFile));
      let c = 0;
      for (const k of common) c += perFile[k]!;
      s.commonTimes.push(c);
    }
  }
  const rss = new Map<string, number | null>();
  const none = probeRss("none", options);
  for (const s of sides) {
    if (floors.includes(s)) continue;
    const v = probeRss(s.name, options);
    rss.set(s.name, v === null || none === null ? null : Math.max(0, v - none));
  }

  const rates = new Map<string, { all: number; common: number }>();
  for (const s of sides) {
    const all = corpus.length / (median(s.times) / 1000);
    const onCommon = common.length / (median(s.commonTimes) / 1000);
    rates.set(s.name, { all, common: onCommon });
    const r = rss.get(s.name);
    if (floors.includes(s)) {
      log(`  ${s.name.padEnd(17)} ${fmt(all, 0).padStart(6)} files/s  (${fmt(onCommon, 0)} on the ${common.length} files)  median ${fmt(median(s.times), 0)} ms/round  [${s.rules}: a floor, see below]`);
      continue;
    }
    log(
      `  ${s.name.padEnd(17)} ${fmt(all, 0).padStart(6)} files/s  (${fmt(onCommon, 0)} on the ${common.length} files no tool threw on)  ` +
        `median ${fmt(median(s.times), 0)} ms/round  peak RSS +${r === null || r === undefined ? "?" : fmt(r, 0)} MB  ` +
        `threw on ${s.threw.size} files  [${s.rules}]  (rounds: ${s.times.map((t) => fmt(t, 0)).join(", ")})`,
    );
  }
  const kiln = rates.get("kiln")!;
  const peers = [...rates.entries()].filter(([n]) => n !== "kiln" && !floors.some((f) => f.name === n));
  let fastest: [string, { all: number; common: number }] | null = null;
  if (peers.length === 0) log("  no peer installed: ratio not measured (goal: >= 3x the faster of dockerfilelint and dockerfile-utils)");
  else {
    fastest = peers.reduce((a, b) => (b[1].common > a[1].common ? b : a));
    const [name, rate] = fastest;
    const ratio = kiln.common / rate.common;
    log(`  library, one thread: kiln/${name} ${fmt(ratio, 2)}x on the files both finish (${fmt(kiln.all / rate.all, 2)}x over the whole corpus)   goal >= 3x: ${ratio >= 3 ? "PASS" : "FAIL"}`);
    // What the goal leaves to the rules: 3x the peer's rate is a time per file; the floors spend part of it.
    const budgetUs = 1e6 / (3 * rate.common);
    const us = (n: string) => 1e6 / rates.get(n)!.common;
    log(
      `  floors: ${FLOOR_PARSE} ${fmt(rates.get(FLOOR_PARSE)!.common / rate.common, 2)}x ${name}, ${FLOOR_SCRIPTS} ${fmt(rates.get(FLOOR_SCRIPTS)!.common / rate.common, 2)}x; ` +
        `3x ${name} is ${fmt(budgetUs, 0)} µs per file, of which the floors take ${fmt(us(FLOOR_PARSE), 0)} and ${fmt(us(FLOOR_SCRIPTS), 0)} µs, kiln with its rules ${fmt(1e6 / kiln.common, 0)} µs`,
    );
  }

  if (options.cliRuns > 0) {
    const cli = runCli(corpus, options.cliRuns, log);
    if (cli) {
      for (const [name, ms] of cli) {
        const rate = corpus.length / (ms / 1000);
        const vs = fastest ? `  = ${fmt(rate / fastest[1].all, 2)}x ${fastest[0]} in-process` : "";
        log(`  kiln lint CLI, ${name.padEnd(21)} ${fmt(rate, 0).padStart(6)} files/s  (median ${fmt(ms, 0)} ms per run of ${options.cliRuns}, start-up, reading and JSON output included)${vs}`);
      }
    }
  }
}

export function lintBenchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LintBenchOptions {
  const num = (name: string, fallback: number, min = 1) => {
    const v = Number(env[name]);
    return env[name] !== undefined && env[name] !== "" && Number.isFinite(v) && v >= min ? Math.floor(v) : fallback;
  };
  return {
    files: num("KILN_BENCH_LINT_FILES", 5000),
    rounds: num("KILN_BENCH_ROUNDS", 5),
    warmup: num("KILN_BENCH_WARMUP", 2),
    seed: num("KILN_BENCH_SEED", 1),
    cliRuns: num("KILN_BENCH_CLI_RUNS", 3, 0),
  };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === selfPath) {
  if (process.argv[2] === "--rss-probe") await rssProbe(process.argv[3]!, Number(process.argv[4]), Number(process.argv[5]));
  else await runLintBench(lintBenchOptionsFromEnv());
  if (sink === 0.5) console.log("");
}
