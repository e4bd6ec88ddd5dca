/**
 * Filesystem changes and the layers made of them.
 *
 * Two ways to find what a run changed, one result (`Change[]`):
 * - `overlayChanges`: walk the overlay upper dir; char 0/0 devices are deletions, directories
 *   with `trusted.overlay.opaque=y` (or `user.overlay.opaque=y`) replaced ones; entries present
 *   below are compared with the lower view (a copy-up of an unchanged file is no change);
 * - `copyChanges`: walk the copied rootfs and the snapshot it was copied from side by side.
 *
 * Both compare type, mode, owner, symlink target, device number, and for files size and mtime;
 * when all of those agree but the entry's ctime is after the run started, the contents are
 * hashed ("in doubt"). Directory mtimes are ignored (as Docker does: a directory is changed by
 * its children, which are listed themselves). `finishChanges` drops the paths the sandbox
 * provided (mount points it created) unless something else changed below them, and adds the
 * parent directories of every change, so a layer always carries its entries' parents.
 *
 * `changesToEntries` turns changes into tar entries for image/tar.ts: additions and
 * modifications from the changed tree, deletions as `.wh.` whiteouts, replaced directories with
 * an opaque marker; hard links among changed files are kept.
 */
import { createHash } from "node:crypto";
import { createReadStream, lstatSync, readdirSync, readFileSync, readlinkSync, type BigIntStats } from "node:fs";
import { join } from "node:path";
import { opaqueWhiteoutEntry, whiteoutEntry } from "../image/whiteout.js";
import { compareTarPaths, type TarEntry } from "../image/tar.js";
import { assertNever } from "../util/errors.js";

export type ChangeKind = "add" | "modify" | "delete";

export interface Change {
  /** In-root path without a leading slash: `etc/passwd`. */
  readonly path: string;
  readonly kind: ChangeKind;
  /** A directory whose lower contents are all gone (written with `.wh..wh..opq`). */
  readonly opaque?: boolean;
}

/** What the layers below hold at a path (undefined: nothing). */
export type LowerLookup = (path: string) => BigIntStats | undefined;

function lstatBig(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

const childOf = (dir: string, name: string) => (dir === "" ? name : `${dir}/${name}`);

export function isOverlayWhiteout(st: BigIntStats): boolean {
  return st.isCharacterDevice() && st.rdev === 0n;
}

function hashFile(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function typeOf(st: BigIntStats): string {
  if (st.isFile()) return "file";
  if (st.isDirectory()) return "dir";
  if (st.isSymbolicLink()) return "symlink";
  if (st.isCharacterDevice()) return "char";
  if (st.isBlockDevice()) return "block";
  if (st.isFIFO()) return "fifo";
  return "socket";
}

/**
 * Whether the entry at `newPath` (stats `n`) differs from the one below (`l` at `oldPath`).
 * `since`: ctime (ns) from which equal-looking files are hashed.
 */
export function entryDiffers(newPath: string, n: BigIntStats, oldPath: string, l: BigIntStats, since: bigint): boolean {
  if (typeOf(n) !== typeOf(l)) return true;
  if ((n.mode & 0o7777n) !== (l.mode & 0o7777n) || n.uid !== l.uid || n.gid !== l.gid) return true;
  if (n.isDirectory()) return false;
  if (n.isSymbolicLink()) return readlinkSync(newPath) !== readlinkSync(oldPath);
  if (n.isCharacterDevice() || n.isBlockDevice()) return n.rdev !== l.rdev;
  if (!n.isFile()) return false;
  if (n.size !== l.size || n.mtimeNs !== l.mtimeNs) return true;
  if (n.ctimeNs < since) return false;
  return hashFile(newPath) !== hashFile(oldPath);
}

/** Everything below `rel` in `root` as additions (overlay whiteouts inside a new directory are skipped). */
function addAll(root: string, rel: string, out: Change[]): void {
  for (const name of names(join(root, rel))) {
    const c = childOf(rel, name);
    const st = lstatBig(join(root, c));
    if (!st || isOverlayWhiteout(st)) continue;
    out.push({ path: c, kind: "add" });
    if (st.isDirectory()) addAll(root, c, out);
  }
}

/** The changes recorded in an overlay upper dir. `opaque`: in-upper paths of opaque directories. */
export function overlayChanges(upper: string, lower: LowerLookup, lowerPath: (path: string) => string, opaque: ReadonlySet<string>, since: bigint): Change[] {
  const out: Change[] = [];
  const walk = (rel: string) => {
    for (const name of names(join(upper, rel))) {
      const c = childOf(rel, name);
      const st = lstatBig(join(upper, c));
      if (!st) continue;
      const l = lower(c);
      if (isOverlayWhiteout(st)) {
        if (l) out.push({ path: c, kind: "delete" });
        continue;
      }
      if (st.isDirectory()) {
        if (!l) {
          out.push({ path: c, kind: "add" });
          addAll(upper, c, out);
        } else if (!l.isDirectory()) {
          out.push({ path: c, kind: "modify" });
          addAll(upper, c, out);
        } else if (opaque.has(c)) {
          out.push({ path: c, kind: "modify", opaque: true });
          addAll(upper, c, out);
        } else {
          if (entryDiffers(join(upper, c), st, lowerPath(c), l, since)) out.push({ path: c, kind: "modify" });
          walk(c);
        }
        continue;
      }
      if (!l) out.push({ path: c, kind: "add" });
      else if (entryDiffers(join(upper, c), st, lowerPath(c), l, since)) out.push({ path: c, kind: "modify" });
    }
  };
  walk("");
  return out;
}

/**
 * The changes between a copied rootfs (`current`) and the snapshot it was copied from (`lower`).
 * `since`: when the copy was complete (ns since the epoch). A directory born after it was
 * removed and made again by the run: written as opaque (what overlayfs records), anything else
 * deleted below a directory is a whiteout of its own.
 */
export function copyChanges(current: string, lower: string, since: bigint): Change[] {
  const doubt = since - 1_000_000_000n; // ctime clocks are coarse: hash equal-looking files changed a second before, too
  const out: Change[] = [];
  const walk = (rel: string) => {
    const nNames = names(join(current, rel));
    const lNames = names(join(lower, rel));
    const nSet = new Set(nNames);
    const all = [...new Set([...nNames, ...lNames])].sort();
    for (const name of all) {
      const c = childOf(rel, name);
      const n = nSet.has(name) ? lstatBig(join(current, c)) : undefined;
      const l = lstatBig(join(lower, c));
      if (n && !l) {
        out.push({ path: c, kind: "add" });
        if (n.isDirectory()) addAll(current, c, out);
      } else if (!n && l) {
        out.push({ path: c, kind: "delete" });
      } else if (n && l) {
        if (n.isDirectory() && l.isDirectory()) {
          if (n.birthtimeNs >= since && names(join(lower, c)).length > 0) {
            // made again during the run: a replaced directory
            out.push({ path: c, kind: "modify", opaque: true });
            addAll(current, c, out);
            continue;
          }
          if (entryDiffers(join(current, c), n, join(lower, c), l, doubt)) out.push({ path: c, kind: "modify" });
          walk(c);
        } else if (entryDiffers(join(current, c), n, join(lower, c), l, doubt)) {
          out.push({ path: c, kind: "modify" });
          if (n.isDirectory()) addAll(current, c, out);
        }
      }
    }
  };
  walk("");
  return out;
}

function ancestors(path: string): string[] {
  const parts = path.split("/");
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join("/"));
  return out;
}

/**
 * Drops provided paths (`exclude`: in-root paths, with or without a leading slash) that have no
 * other change below them, adds missing parent directories as modifications, and sorts in
 * archive order.
 */
export function finishChanges(changes: readonly Change[], exclude: Iterable<string> = []): Change[] {
  const excluded = new Set([...exclude].map((p) => p.replace(/^\/+/, "").replace(/\/+$/, "")).filter((p) => p !== ""));
  const kept = changes.filter((c) => !excluded.has(c.path));
  const byPath = new Map<string, Change>();
  for (const c of kept) byPath.set(c.path, c);
  // excluded entries stay as parents only when something below them is kept
  for (const c of kept) {
    for (const a of ancestors(c.path)) {
      if (!byPath.has(a)) byPath.set(a, { path: a, kind: excluded.has(a) && changes.some((x) => x.path === a && x.kind === "add") ? "add" : "modify" });
    }
  }
  return [...byPath.values()].sort((a, b) => compareTarPaths(a.path, b.path));
}

/** `docker diff` lines: `A /path`, `C /path`, `D /path`. */
export function formatChanges(changes: readonly Change[]): string {
  return changes.map((c) => `${c.kind === "add" ? "A" : c.kind === "modify" ? "C" : "D"} /${c.path}\n`).join("");
}

/** Tar entries for `changes`, read from `root` (the upper dir or the copied rootfs). */
export function changesToEntries(changes: readonly Change[], root: string): TarEntry[] {
  const entries: TarEntry[] = [];
  const inodes = new Map<string, string>(); // dev:ino → first path (archive order)
  for (const c of changes) {
    switch (c.kind) {
      case "delete":
        entries.push(whiteoutEntry(c.path));
        continue;
      case "add":
      case "modify":
        break;
      default:
        assertNever(c.kind, "change kind");
    }
    const full = join(root, c.path);
    const st = lstatSync(full);
    const common = { path: c.path, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
    if (st.isFile()) {
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        const first = inodes.get(key);
        if (first !== undefined) {
          entries.push({ ...common, type: "hardlink", target: first });
          continue;
        }
        inodes.set(key, c.path);
      }
      entries.push({ ...common, type: "file", size: st.size, body: () => createReadStream(full) });
    } else if (st.isDirectory()) {
      entries.push({ ...common, type: "directory" });
      if (c.opaque) entries.push(opaqueWhiteoutEntry(c.path));
    } else if (st.isSymbolicLink()) {
      entries.push({ ...common, type: "symlink", target: readlinkSync(full) });
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      if (st.isCharacterDevice() && st.rdev === 0) continue; // an overlay whiteout is never content
      entries.push({ ...common, type: st.isCharacterDevice() ? "char" : "block", devmajor: major(st.rdev), devminor: minor(st.rdev) });
    } else if (st.isFIFO()) {
      entries.push({ ...common, type: "fifo" });
    }
    // sockets are not archived
  }
  return entries;
}

/** Linux's dev_t encoding (glibc gnu_dev_major/minor). */
export function major(dev: number): number {
  return ((dev >>> 8) & 0xfff) | (Math.floor(dev / 2 ** 32) & ~0xfff);
}
export function minor(dev: number): number {
  return (dev & 0xff) | ((dev >>> 12) & ~0xff & 0xfffff);
}

/** Every entry below `root` as additions (a directory made into a layer). */
export function treeChanges(root: string): Change[] {
  const out: Change[] = [];
  addAll(root, "", out);
  return out.sort((a, b) => compareTarPaths(a.path, b.path));
}
