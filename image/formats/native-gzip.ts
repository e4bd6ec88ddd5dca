/**
 * The libdeflate addon (image/formats/native/kiln-deflate.c → dist/kiln-deflate.node, built by
 * scripts/build-helper.mjs when Debian's libdeflate-dev is installed). gzip through it costs
 * about 0.57x the CPU of Node's zlib at the same level, with smaller output (the 322 MB bench
 * layer at level 4: 3.2 s and 112.9 MB against 5.6 s and 116.5 MB). Where it is missing,
 * compression.ts falls back to zlib, whose bytes differ: see `gzipBackend()`.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KilnError } from "../../util/errors.js";

export interface DeflateAddon {
  /** One complete gzip member of `input`, made on libuv's thread pool. */
  gzipBlock(input: Uint8Array, level: number, done: (err: Error | null, out?: Buffer) => void): void;
  /** libdeflate's version: with the level and block size, it fixes the output bytes. */
  readonly version: string;
}

export const ADDON_FILE = "kiln-deflate.node";

let loaded: DeflateAddon | null | undefined;

/**
 * The addon, or undefined when gzip uses zlib: `KILN_GZIP=zlib` chooses zlib; `KILN_DEFLATE_ADDON`
 * names the file; else `kiln-deflate.node` in this module's directory or the nearest parent
 * holding one (dist/ for both the bundled CLI and dist/lib). A file that is there but does not
 * load is an error, not a silent change of the output bytes.
 */
export function deflateAddon(env: NodeJS.ProcessEnv = process.env): DeflateAddon | undefined {
  const choice = env.KILN_GZIP ?? "";
  if (choice === "zlib") return undefined;
  if (choice !== "" && choice !== "libdeflate") throw new KilnError("invalid-argument", `KILN_GZIP: expected "zlib" or "libdeflate", got ${JSON.stringify(choice)}`);
  let addon = env === process.env ? loaded : undefined;
  if (addon === undefined) {
    addon = loadAddon(env.KILN_DEFLATE_ADDON || findAddon());
    if (env === process.env) loaded = addon;
  }
  if (!addon && choice === "libdeflate") throw new KilnError("deflate-addon-missing", `KILN_GZIP=libdeflate, but ${ADDON_FILE} was not built (install libdeflate-dev and run \`npm run build\`)`);
  return addon ?? undefined;
}

/** The addon at `path`; null when there is no file. */
function loadAddon(path: string | undefined): DeflateAddon | null {
  if (!path) return null;
  try {
    return createRequire(import.meta.url)(path) as DeflateAddon;
  } catch (err) {
    throw new KilnError("deflate-addon-failed", `the gzip addon ${path} did not load: ${(err as Error).message.split("\n")[0]}; rebuild it with \`npm run build\` or set KILN_GZIP=zlib`);
  }
}

function findAddon(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, ADDON_FILE);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** gzips one block on the thread pool: a complete member. */
export function gzipMember(addon: DeflateAddon, block: Uint8Array, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) => addon.gzipBlock(block, level, (err, out) => (err ? reject(new KilnError("compression-failed", `gzip: ${err.message}`)) : resolve(out!))));
}
