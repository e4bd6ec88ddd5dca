/**
 * The entry of the CommonJS CLI bundle (dist/kiln.cjs), which scripts/kiln-boot.cjs compiles
 * with a V8 code cache: a single script, since V8 caches code per script and Node 20 has no
 * code cache for ES modules. Library code stays behind `await import()`, which esbuild turns
 * into lazily run module initialisers, so a command only runs what it needs.
 */
import { isMainThread, workerData } from "node:worker_threads";

export { start } from "./start.js";

// linter/parallel.ts starts its lint workers on the file its code is in, this bundle: run the
// worker's side of that module here.
if (!isMainThread && (workerData as { kilnLintWorker?: unknown } | undefined)?.kilnLintWorker === true) {
  void import("../linter/parallel.js");
}
