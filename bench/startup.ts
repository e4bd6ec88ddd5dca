/**
 * CLI cold start: `kiln --version` and `--help` through the `dist/kiln` launcher (what users
 * run: the code-cached CommonJS bundle), the launcher with `KILN_CODE_CACHE=off` (the ES module
 * bundle) and `node dist/kiln.mjs --version` directly, spawned N times one after the other, wall
 * time from spawn to exit; median and p90. A bare `node` on an empty module is measured
 * alongside as the floor nothing in kiln can beat.
 *
 * Node 20 reads and parses every certificate in NODE_EXTRA_CA_CERTS before running any
 * JavaScript (~50-80 ms here). The launcher moves that setting aside (the registry client
 * loads it when needed); `node dist/kiln.mjs` shows what the setting costs. When the variable
 * is set the runs are repeated without it.
 *
 * Options (env): KILN_BENCH_STARTUP_RUNS (30).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { repoRoot } from "./corpus.js";
import { fmt, median, percentile } from "./stats.js";

export interface StartupResult {
  readonly label: string;
  readonly env: string;
  readonly medianMs: number;
  readonly p90Ms: number;
}

export const kilnBin = join(repoRoot, "dist", "kiln.mjs");
export const kilnLauncher = join(repoRoot, "dist", "kiln");
const goalMs = 100;

function timeRuns(command: string, args: readonly string[], env: NodeJS.ProcessEnv, runs: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}: ${r.stderr?.toString()}`);
    times.push(ms);
  }
  return times;
}

export function runStartupBench(runs: number, log: (line: string) => void = console.log): StartupResult[] {
  if (!existsSync(kilnBin)) throw new Error(`${kilnBin} is missing: run npm run build first`);
  const dir = mkdtempSync(join(tmpdir(), "kiln-bench-"));
  const empty = join(dir, "empty.mjs");
  writeFileSync(empty, "");
  const node = process.execPath;
  const cases: { label: string; command: string; args: string[]; env?: NodeJS.ProcessEnv }[] = [
    { label: "node (empty module)", command: node, args: [empty] },
    { label: "kiln --version", command: kilnLauncher, args: ["--version"] },
    { label: "kiln --help", command: kilnLauncher, args: ["--help"] },
    // the launcher without its code cache runs the ES module bundle (scripts/kiln-boot.cjs)
    { label: "kiln --version, no cache", command: kilnLauncher, args: ["--version"], env: { KILN_CODE_CACHE: "off" } },
    { label: "node kiln.mjs --version", command: node, args: [kilnBin, "--version"] },
  ];
  const envs: { name: string; env: NodeJS.ProcessEnv }[] = [{ name: "as is", env: { ...process.env } }];
  if (process.env["NODE_EXTRA_CA_CERTS"]) {
    const without = { ...process.env };
    delete without["NODE_EXTRA_CA_CERTS"];
    envs[0]!.name = "NODE_EXTRA_CA_CERTS set";
    envs.push({ name: "NODE_EXTRA_CA_CERTS unset", env: without });
  }
  const results: StartupResult[] = [];
  log(`startup: ${runs} runs each, ${process.execPath} (${process.version})`);
  try {
    for (const { name, env } of envs) {
      for (const c of cases) timeRuns(c.command, c.args, { ...env, ...c.env }, 3); // warm the page and code caches
      // Interleave the cases so drifting machine load hits all of them alike.
      const times = cases.map(() => [] as number[]);
      for (let i = 0; i < runs; i++) cases.forEach((c, j) => times[j]!.push(...timeRuns(c.command, c.args, { ...env, ...c.env }, 1)));
      log(`  environment: ${name}`);
      cases.forEach((c, j) => {
        const r = { label: c.label, env: name, medianMs: median(times[j]!), p90Ms: percentile(times[j]!, 90) };
        results.push(r);
        const goal = c.label === "kiln --version" ? `   goal < ${goalMs} ms: ${r.medianMs < goalMs ? "PASS" : "FAIL"}` : "";
        log(`    ${c.label.padEnd(24)} median ${fmt(r.medianMs, 1).padStart(6)} ms  p90 ${fmt(r.p90Ms, 1).padStart(6)} ms${goal}`);
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export function startupRunsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env["KILN_BENCH_STARTUP_RUNS"]);
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : 30;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runStartupBench(startupRunsFromEnv());
}
