/**
 * node:zlib, loaded on first use: the store imports the layer and compression code, yet a cached
 * rebuild neither compresses nor decompresses, and loading zlib costs ~4 ms of start-up.
 */
import { createRequire } from "node:module";

let loaded: typeof import("node:zlib") | undefined;

export function zlib(): typeof import("node:zlib") {
  return (loaded ??= createRequire(import.meta.url)("node:zlib") as typeof import("node:zlib"));
}
