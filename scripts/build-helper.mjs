// Compiles the runtime's native helper (runtime/helper/kiln-sandbox.c → dist/kiln-sandbox).
// Run by `npm run build` and, so that an installed kiln has it, by npm's postinstall. Without a
// C compiler it warns and exits 0: `kiln run` and RUN steps then say the helper is missing.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const source = `${root}runtime/helper/kiln-sandbox.c`;
const output = `${root}dist/kiln-sandbox`;

/** Builds the helper; with `onlyIfStale`, only when it is missing or older than its source. */
export function buildHelper({ onlyIfStale = false } = {}) {
  if (!existsSync(source)) return false; // an installed package without the source: nothing to do
  if (onlyIfStale && existsSync(output) && statSync(output).mtimeMs >= statSync(source).mtimeMs) return true;
  const cc = process.env.CC || "cc";
  mkdirSync(`${root}dist`, { recursive: true });
  try {
    execFileSync(cc, ["-O2", "-Wall", "-o", output, source], { stdio: ["ignore", "inherit", "inherit"] });
    return true;
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
    console.warn(`kiln: no C compiler (${cc}); the sandbox helper dist/kiln-sandbox was not built`);
    return false;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    buildHelper({ onlyIfStale: process.argv.includes("--if-stale") });
  } catch (err) {
    // postinstall must not break `npm install`: the CLI reports the missing helper when needed
    console.warn(`kiln: the sandbox helper did not compile: ${err.message}`);
  }
}
