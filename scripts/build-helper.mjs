// Compiles kiln's native parts with the system C compiler:
// - runtime/helper/kiln-sandbox.c → dist/kiln-sandbox (the runtime's helper; required by RUN
//   steps and `kiln run`, which say it is missing when it is);
// - image/formats/native/kiln-deflate.c → dist/kiln-deflate.node (gzip with libdeflate, linked
//   statically from Debian's libdeflate-dev; optional: without it gzip uses Node's zlib, slower).
// Run by `npm run build` and, so that an installed kiln has them, by npm's postinstall. A missing
// compiler or library warns and exits 0.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cc = process.env.CC || "cc";

const parts = [
  {
    source: `${root}runtime/helper/kiln-sandbox.c`,
    output: `${root}dist/kiln-sandbox`,
    args: (source, output) => ["-O2", "-Wall", "-o", output, source],
    ready: () => true,
  },
  {
    source: `${root}image/formats/native/kiln-deflate.c`,
    output: `${root}dist/kiln-deflate.node`,
    args: (source, output) => ["-O2", "-Wall", "-shared", "-fPIC", `-I${nodeHeaders()}`, "-o", output, source, "-l:libdeflate.a"],
    // without the library's header or Node's headers there is nothing to compile against
    ready: () => {
      if (!existsSync(join(nodeHeaders(), "node_api.h"))) return `Node's headers (node_api.h) are not in ${nodeHeaders()}`;
      if (!["/usr/include/libdeflate.h", "/usr/local/include/libdeflate.h"].some((h) => existsSync(h))) return "libdeflate is not installed (Debian: apt-get install libdeflate-dev)";
      return true;
    },
    optional: "gzip (push, save) uses Node's zlib instead, about 1.8x more CPU",
  },
];

/** Node's C headers: `<prefix>/include/node` beside the running node binary's `bin/`. */
function nodeHeaders() {
  return join(dirname(dirname(process.execPath)), "include", "node");
}

function build(part, onlyIfStale) {
  if (!existsSync(part.source)) return false; // an installed package without the source: nothing to do
  if (onlyIfStale && existsSync(part.output) && statSync(part.output).mtimeMs >= statSync(part.source).mtimeMs) return true;
  const ready = part.ready();
  if (ready !== true) {
    console.warn(`kiln: ${ready}; ${part.output.slice(root.length)} was not built: ${part.optional}`);
    return false;
  }
  mkdirSync(`${root}dist`, { recursive: true });
  try {
    execFileSync(cc, part.args(part.source, part.output), { stdio: ["ignore", "inherit", "inherit"] });
    return true;
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
    console.warn(`kiln: no C compiler (${cc}); ${part.output.slice(root.length)} was not built`);
    return false;
  }
}

/** Builds the native parts; with `onlyIfStale`, only those missing or older than their source. */
export function buildHelper({ onlyIfStale = false } = {}) {
  let all = true;
  for (const part of parts) {
    try {
      all = build(part, onlyIfStale) && all;
    } catch (err) {
      if (!part.optional) throw err;
      console.warn(`kiln: ${part.output.slice(root.length)} did not compile (${err.message}): ${part.optional}`);
      all = false;
    }
  }
  return all;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    buildHelper({ onlyIfStale: process.argv.includes("--if-stale") });
  } catch (err) {
    // postinstall must not break `npm install`: the CLI reports the missing helper when needed
    console.warn(`kiln: a native part did not compile: ${err.message}`);
  }
}
