/**
 * The entry of the CommonJS CLI bundle (dist/kiln.cjs), which scripts/kiln-boot.cjs compiles
 * with a V8 code cache: a single script, since V8 caches code per script and Node 20 has no
 * code cache for ES modules. Library code stays behind `await import()`, which esbuild turns
 * into lazily run module initialisers, so a command only runs what it needs.
 */
import { start } from "./start.js";

export { start };

// Loaded as a main module, not by the loader: a lint worker (linter/parallel.ts starts its
// workers on the file its code is in, this bundle) or `node dist/kiln.cjs`. The loader's path
// does not load node:worker_threads (~5 ms).
if (require.main === module) {
  void import("node:worker_threads").then(async ({ isMainThread }) => {
    if (isMainThread) await start();
    else await import("../linter/parallel.js");
  });
}
