#!/usr/bin/env node
/**
 * The `kiln` executable as an ES module (dist/kiln.mjs, bundled with code splitting by
 * scripts/build.mjs). Everything a command needs beyond yargs and the command list is imported
 * lazily, so `kiln --version` stays fast. The `dist/kiln` launcher normally runs the code-cached
 * CommonJS bundle instead (bin/bundle.ts, scripts/kiln-boot.cjs) and falls back to this one.
 */
import { start } from "./start.js";

await start();
