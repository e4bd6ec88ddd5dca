/**
 * What the `kiln` executable does once its code is loaded, shared by both CLI bundles
 * (scripts/build.mjs): the ES module entry bin/kiln.ts and the code-cached CommonJS entry
 * bin/bundle.ts.
 */
import { reportError } from "./errors.js";
import { main } from "./main.js";
import { outputPending, watchNodeStreams } from "./stdio.js";
import { timingMark } from "../util/timing.js";

export async function start(): Promise<void> {
  // `kiln parse | head` closes our stdout early: stop quietly instead of crashing on EPIPE.
  // Node's stdout stream is made only when needed (bin/stdio.ts), and gets this then.
  watchNodeStreams((out) =>
    out.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
      process.exit(reportError(err));
    }),
  );
  timingMark("cli start"); // (KILN_TIMING=1 writes to Node's stderr: watched from here on)
  process.exitCode = await main(process.argv.slice(2));
  timingMark("cli done");
  // The command is over. Node's own exit would now tear the heap down page by page (~2 ms of a
  // ~105 ms no-op build); process.exit() leaves that to the OS. Not while a stream still holds
  // output (a pipe that was full): that exit waits for it.
  if (!outputPending()) process.exit();
}
