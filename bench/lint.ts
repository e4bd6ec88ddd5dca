/**
 * Lint throughput: Dockerfiles per second for `kiln lint` (every registered rule, experimental
 * ones included) against dockerfilelint and dockerfile-utils' `validate`, over the generated corpus
 * (bench/corpus.ts), in one process, rounds interleaved. A peer that is not installed is skipped
 * with a message (add them as devDependencies: `dockerfilelint`, `dockerfile-utils`).
 *
 * Options (env): KILN_BENCH_LINT_FILES (5000), KILN_BENCH_ROUNDS (5), KILN_BENCH_SEED (1).
 */
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { allRules, DEFAULT_CONFIG, lint, mergeConfig } from "../linter/index.js";
import { generateCorpus } from "./corpus.js";
import { fmt, median } from "./stats.js";

export interface LintBenchOptions {
  readonly files: number;
  readonly rounds: number;
  readonly seed: number;
}

interface Side {
  readonly name: string;
  readonly rules: number | null;
  readonly fn: (text: string) => number;
  readonly times: number[];
}

let sink = 0;

const kilnConfig = mergeConfig(DEFAULT_CONFIG, { enable: ["all"] });

function kilnSide(text: string): number {
  const r = lint(text, { config: kilnConfig, dockerignore: "*.env\nnode_modules\n" });
  return r.findings.length + r.diagnostics.length;
}

async function peer(name: string): Promise<Side | string> {
  try {
    if (name === "dockerfilelint") {
      const mod = (await import(name)) as { default?: { run?: (ctx: string, text: string) => unknown[] }; run?: (ctx: string, text: string) => unknown[] };
      const run = mod.run ?? mod.default?.run;
      if (typeof run !== "function") return "no run() export";
      return { name, rules: null, fn: (text) => run("/tmp", text).length, times: [] };
    }
    const mod = (await import(name)) as { validate?: (text: string) => unknown[]; default?: { validate?: (text: string) => unknown[] } };
    const validate = mod.validate ?? mod.default?.validate;
    if (typeof validate !== "function") return "no validate() export";
    return { name, rules: null, fn: (text) => validate(text).length, times: [] };
  } catch (err) {
    return `not installed (${err instanceof Error ? err.message.split("\n")[0] : String(err)})`;
  }
}

function timeRound(fn: (text: string) => number, corpus: readonly string[]): number {
  const start = process.hrtime.bigint();
  let n = 0;
  for (const text of corpus) n += fn(text);
  sink ^= n;
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export async function runLintBench(options: LintBenchOptions, log: (line: string) => void = console.log): Promise<void> {
  const corpus = generateCorpus(options.files, options.seed);
  log(`lint: ${corpus.length} files (seed ${options.seed}), ${options.rounds} rounds after warm-up; kiln runs ${allRules.length} rules`);
  const sides: Side[] = [{ name: "kiln", rules: allRules.length, fn: kilnSide, times: [] }];
  for (const name of ["dockerfilelint", "dockerfile-utils"]) {
    const p = await peer(name);
    if (typeof p === "string") log(`  ${name}: skipped, ${p}`);
    else sides.push(p);
  }
  for (const s of sides) timeRound(s.fn, corpus);
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const s of order) s.times.push(timeRound(s.fn, corpus));
  }
  const rates = new Map<string, number>();
  for (const s of sides) {
    const med = median(s.times);
    const rate = corpus.length / (med / 1000);
    rates.set(s.name, rate);
    log(`  ${s.name.padEnd(17)} median ${fmt(med, 1).padStart(8)} ms/round  ${fmt(rate, 0).padStart(7)} files/s  (rounds: ${s.times.map((t) => fmt(t, 0)).join(", ")})`);
  }
  const kiln = rates.get("kiln")!;
  const peers = [...rates.entries()].filter(([n]) => n !== "kiln");
  if (peers.length === 0) {
    log("  no peer installed: ratio not measured (goal: >= 3x the faster of dockerfilelint and dockerfile-utils)");
    return;
  }
  const [fastName, fastRate] = peers.reduce((a, b) => (b[1] > a[1] ? b : a));
  const ratio = kiln / fastRate;
  log(`  ratio kiln/${fastName}: ${fmt(ratio, 2)}x   goal >= 3x: ${ratio >= 3 ? "PASS" : "FAIL"}`);
}

export function lintBenchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LintBenchOptions {
  const num = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
  };
  return { files: num("KILN_BENCH_LINT_FILES", 5000), rounds: num("KILN_BENCH_ROUNDS", 5), seed: num("KILN_BENCH_SEED", 1) };
}

const selfPath = fileURLToPath(import.meta.url);
if (process.argv[1] !== undefined && resolve(process.argv[1]) === selfPath) {
  await runLintBench(lintBenchOptionsFromEnv());
  if (sink === 0.5) console.log("");
}
