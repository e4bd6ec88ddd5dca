/**
 * `KILN_TIMING=1`: one stderr line per phase of a command, in milliseconds since the process
 * started (performance.timeOrigin), so Node's own start-up and module loading show too
 * (docs/builder.md, Benchmark).
 */
export function timingMark(what: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env["KILN_TIMING"] === "1") process.stderr.write(`kiln timing: ${what} at ${performance.now().toFixed(1)} ms\n`);
}
