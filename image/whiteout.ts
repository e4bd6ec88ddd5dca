/**
 * OCI whiteouts: a deleted path `dir/name` is written as the empty file `dir/.wh.name`; a
 * directory whose lower contents are all hidden holds `.wh..wh..opq`. Names starting with
 * `.wh..wh.` other than the opaque marker are AUFS metadata that extractors ignore.
 */
import { KilnError } from "../util/errors.js";
import type { TarFileEntry } from "./tar.js";

export const WHITEOUT_PREFIX = ".wh.";
export const WHITEOUT_META_PREFIX = ".wh..wh.";
export const OPAQUE_WHITEOUT = ".wh..wh..opq";

function split(path: string): { dir: string; base: string } {
  const trimmed = path.replace(/^(?:\.?\/)+/, "").replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  return slash < 0 ? { dir: "", base: trimmed } : { dir: trimmed.slice(0, slash), base: trimmed.slice(slash + 1) };
}

function join(dir: string, base: string): string {
  return dir === "" ? base : `${dir}/${base}`;
}

/** `a/b/c` → `a/b/.wh.c`: the entry that deletes `a/b/c` from lower layers. */
export function whiteoutPath(deleted: string): string {
  const { dir, base } = split(deleted);
  if (base === "" || base === "." || base === "..") {
    throw new KilnError("invalid-whiteout", `cannot make a whiteout for ${JSON.stringify(deleted)}: it has no base name`);
  }
  if (base.startsWith(WHITEOUT_PREFIX)) {
    throw new KilnError("invalid-whiteout", `cannot make a whiteout for ${JSON.stringify(deleted)}: names starting with ${WHITEOUT_PREFIX} are reserved`);
  }
  return join(dir, WHITEOUT_PREFIX + base);
}

/** `a/b` → `a/b/.wh..wh..opq`; the root (`""` or `/`) → `.wh..wh..opq`. */
export function opaqueWhiteoutPath(dir: string): string {
  const trimmed = dir.replace(/^(?:\.?\/)+/, "").replace(/\/+$/, "");
  return join(trimmed === "." ? "" : trimmed, OPAQUE_WHITEOUT);
}

export type WhiteoutInfo =
  /** Deletes `target` (a path in the same directory). */
  | { kind: "whiteout"; target: string }
  /** Hides everything `dir` held in lower layers (`""` is the root). */
  | { kind: "opaque"; dir: string }
  /** Another `.wh..wh.` name (AUFS metadata): ignore it. */
  | { kind: "meta"; path: string };

/** What a tar path means as a whiteout, or undefined when it is an ordinary path. */
export function parseWhiteout(path: string): WhiteoutInfo | undefined {
  const { dir, base } = split(path);
  if (!base.startsWith(WHITEOUT_PREFIX)) return undefined;
  if (base === OPAQUE_WHITEOUT) return { kind: "opaque", dir };
  if (base.startsWith(WHITEOUT_META_PREFIX)) return { kind: "meta", path: join(dir, base) };
  const name = base.slice(WHITEOUT_PREFIX.length);
  if (name === "" || name === "." || name === "..") return { kind: "meta", path: join(dir, base) };
  return { kind: "whiteout", target: join(dir, name) };
}

/** True for any `.wh.` name (whiteout, opaque marker or metadata). */
export function isWhiteout(path: string): boolean {
  return split(path).base.startsWith(WHITEOUT_PREFIX);
}

export function isOpaqueWhiteout(path: string): boolean {
  return split(path).base === OPAQUE_WHITEOUT;
}

/** Owner and time of a whiteout entry; mode is 0 like containerd's, owner root. */
export interface WhiteoutEntryOptions {
  mtime?: Date;
  mode?: number;
  uid?: number;
  gid?: number;
}

/** The tar entry that deletes `deleted`: an empty regular file named by whiteoutPath. */
export function whiteoutEntry(deleted: string, options: WhiteoutEntryOptions = {}): TarFileEntry {
  return { type: "file", path: whiteoutPath(deleted), size: 0, mode: options.mode ?? 0, uid: options.uid ?? 0, gid: options.gid ?? 0, ...(options.mtime ? { mtime: options.mtime } : {}) };
}

/** The tar entry that makes `dir` opaque. */
export function opaqueWhiteoutEntry(dir: string, options: WhiteoutEntryOptions = {}): TarFileEntry {
  return { type: "file", path: opaqueWhiteoutPath(dir), size: 0, mode: options.mode ?? 0, uid: options.uid ?? 0, gid: options.gid ?? 0, ...(options.mtime ? { mtime: options.mtime } : {}) };
}
