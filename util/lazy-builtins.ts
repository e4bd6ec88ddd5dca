/**
 * Node builtins loaded on first use. Loading one costs start-up (measured on the 2-core machine:
 * node:zlib ~4 ms, node:child_process ~4 ms with the node:net it loads, node:worker_threads
 * ~2.5 ms, node:https ~10 ms), yet the modules that need them are imported by commands that often never call them:
 * a cached or one-file rebuild neither inflates a layer, spawns a process nor starts a thread.
 * Type-only imports of these modules stay free (`import type`).
 */
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

let zlibModule: typeof import("node:zlib") | undefined;
let childProcessModule: typeof import("node:child_process") | undefined;
let workerThreadsModule: typeof import("node:worker_threads") | undefined;
let netModule: typeof import("node:net") | undefined;
let httpsModule: typeof import("node:https") | undefined;
let tlsModule: typeof import("node:tls") | undefined;
let cryptoModule: typeof import("node:crypto") | undefined;

export function zlib(): typeof import("node:zlib") {
  return (zlibModule ??= load("node:zlib") as typeof import("node:zlib"));
}

export function childProcess(): typeof import("node:child_process") {
  return (childProcessModule ??= load("node:child_process") as typeof import("node:child_process"));
}

export function workerThreads(): typeof import("node:worker_threads") {
  return (workerThreadsModule ??= load("node:worker_threads") as typeof import("node:worker_threads"));
}

export function net(): typeof import("node:net") {
  return (netModule ??= load("node:net") as typeof import("node:net"));
}

/** node:https (with node:tls, ~10 ms): a registry spoken to over plain HTTP never needs it. */
export function https(): typeof import("node:https") {
  return (httpsModule ??= load("node:https") as typeof import("node:https"));
}

export function tls(): typeof import("node:tls") {
  return (tlsModule ??= load("node:tls") as typeof import("node:tls"));
}

/** node:crypto (~20 internal modules): `kiln lint` hashes only for the gitlab format. */
export function crypto(): typeof import("node:crypto") {
  return (cryptoModule ??= load("node:crypto") as typeof import("node:crypto"));
}
