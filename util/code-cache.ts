/**
 * A word to the launcher's V8 code cache (scripts/kiln-boot.cjs). A build that ran RUN steps
 * compiled the runtime and the layer differ, code a cached or one-file rebuild never runs: a
 * cache made at its end is 1.3 MB instead of 0.8-0.9 MB, and every later rebuild paid to
 * deserialize it (3-5 ms of a ~130 ms no-op). The launcher keeps such a "broad" cache apart and
 * replaces it with one made by a leaner run of the same command.
 */
const BROAD_RUN = Symbol.for("kiln.codeCache.broadRun");

/** This run compiled code the command's usual runs do not need (here: RUN steps ran). */
export function markBroadRun(): void {
  (globalThis as Record<symbol, unknown>)[BROAD_RUN] = true;
}
