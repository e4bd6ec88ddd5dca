#!/usr/bin/env node
/**
 * The `kiln` executable (bundled by scripts/build.mjs). Everything a command needs beyond yargs
 * and the command list is imported lazily, so `kiln --version` stays fast.
 */
import { reportError } from "./errors.js";
import { main } from "./main.js";

// `kiln parse | head` closes our stdout early: stop quietly instead of crashing on EPIPE.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  process.exit(reportError(err));
});

process.exitCode = await main(process.argv.slice(2));
