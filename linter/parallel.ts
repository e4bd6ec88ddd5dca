/**
 * Linting many files on worker threads. `lint()` is CPU-bound and synchronous, so a single
 * thread uses one core; `lintMany` spreads the files over `workers` threads (this same module,
 * started again as the worker's entry) and returns the results in input order, so output is
 * the same as linting the files one after another. Used by `kiln lint` (linter/run.ts) when
 * there are enough files to pay for starting the threads.
 */
import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { KilnError } from "../util/errors.js";
import { workerThreads } from "../util/lazy-builtins.js";
import type { LintConfig } from "./config.js";
import type { LintOptions } from "./context.js";
import { lint, type LintResult } from "./lint.js";

/** One file to lint: its text and the per-file options (the config is shared). */
export interface LintJob {
  readonly text: string;
  readonly options: Omit<LintOptions, "config" | "rules">;
}

interface WorkerInit {
  readonly kilnLintWorker: true;
  readonly config: LintConfig;
}

interface Batch {
  readonly first: number;
  readonly jobs: readonly LintJob[];
}

/** A result without its text: the main thread has the text already, so it is not copied back. */
type Returned = Omit<LintResult, "text">;

type Reply = { readonly first: number; readonly results: readonly Returned[] } | { readonly error: string };

/** Files per message: large enough that messaging costs little, small enough to balance. */
const BATCH = 8;

/**
 * Appended to a worker's `process.argv`: how this module, loaded as a worker's entry, knows it
 * serves batches without loading node:worker_threads in every `kiln lint` (~5 ms of start-up).
 */
const WORKER_ARG = "--kiln-lint-worker";

/** Young-generation size for the workers: lint allocates many short-lived objects. */
const YOUNG_GENERATION_MB = 48;

/** How many threads `kiln lint` uses for `files` files: 1 (no workers) for a few files. */
export function lintThreads(files: number, env: NodeJS.ProcessEnv = process.env): number {
  const set = env.KILN_LINT_THREADS;
  if (set !== undefined && set !== "") {
    const n = Number(set);
    if (!Number.isInteger(n) || n < 1) throw new KilnError("lint-usage", `KILN_LINT_THREADS: expected a whole number >= 1, got ${JSON.stringify(set)}`, { exitCode: 2 });
    return Math.min(n, Math.max(1, Math.ceil(files / BATCH)));
  }
  // Starting a thread costs about as much as linting a few dozen files.
  if (files < 64) return 1;
  // With two cores, two workers lint at half speed each (lint is allocation-heavy: the isolates'
  // JIT and GC threads and the shared caches compete), while the main thread's GC and compiler
  // already use the second core: 5,000 files took 4.5–5.3 s on one thread and 6.0–7.7 s on two
  // workers (twice the CPU time). Workers pay only from three cores up.
  const cores = availableParallelism();
  if (cores <= 2) return 1;
  return Math.max(1, Math.min(cores, Math.ceil(files / 64)));
}

/** Lints `jobs` with `config` on `threads` worker threads; results in the order of `jobs`. */
export async function lintMany(jobs: readonly LintJob[], config: LintConfig, threads: number): Promise<LintResult[]> {
  if (threads <= 1 || jobs.length === 0) return jobs.map((j) => lint(j.text, { ...j.options, config }));
  const results = new Array<LintResult>(jobs.length);
  let next = 0;
  const init: WorkerInit = { kilnLintWorker: true, config };
  const run = (worker: Worker): Promise<void> =>
    new Promise((resolve, reject) => {
      const send = (): void => {
        if (next >= jobs.length) {
          resolve();
          return;
        }
        const first = next;
        next = Math.min(jobs.length, next + BATCH);
        worker.postMessage({ first, jobs: jobs.slice(first, next) } satisfies Batch);
      };
      worker.on("message", (reply: Reply) => {
        if ("error" in reply) {
          reject(new KilnError("lint-worker", `lint worker failed: ${reply.error}`));
          return;
        }
        reply.results.forEach((r, k) => {
          const at = reply.first + k;
          results[at] = { file: r.file, text: jobs[at]!.text, findings: r.findings, diagnostics: r.diagnostics };
        });
        send();
      });
      worker.on("error", (err) => reject(new KilnError("lint-worker", `lint worker failed: ${err.message}`, { cause: err })));
      worker.on("exit", (code) => {
        if (next < jobs.length || code !== 0) reject(new KilnError("lint-worker", `lint worker exited with status ${code}`));
      });
      send();
    });
  const workers = Array.from(
    { length: Math.min(threads, Math.ceil(jobs.length / BATCH)) },
    () => new (workerThreads().Worker)(new URL(import.meta.url), { argv: [WORKER_ARG], workerData: init, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }),
  );
  try {
    await Promise.all(workers.map(run));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

// The worker's side: lint each batch it is sent and send the results back.
if (process.argv.includes(WORKER_ARG)) serveBatches();

function serveBatches(): void {
  const { isMainThread, parentPort, workerData } = workerThreads();
  if (isMainThread || !parentPort || (workerData as WorkerInit | undefined)?.kilnLintWorker !== true) return;
  const { config } = workerData as WorkerInit;
  const port = parentPort;
  port.on("message", (batch: Batch) => {
    try {
      const results = batch.jobs.map((j): Returned => {
        const r = lint(j.text, { ...j.options, config });
        return { file: r.file, findings: r.findings, diagnostics: r.diagnostics };
      });
      port.postMessage({ first: batch.first, results } satisfies Reply);
    } catch (err) {
      port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies Reply);
    }
  });
}
