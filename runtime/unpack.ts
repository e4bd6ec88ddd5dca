/**
 * Unpacking a layer tar (streamed; gzip and zstd recognised by their magic bytes) into a
 * directory, in one of two forms:
 *
 * - `merged` (copy snapshotter): the directory already holds the lower layers' view; whiteouts
 *   (`.wh.name`) delete from it and opaque markers (`.wh..wh..opq`) empty a directory of what
 *   lower layers put there;
 * - `overlay` (one directory per layer, stacked by overlayfs): whiteouts become overlay
 *   whiteouts (a char 0/0 device) and opaque markers the `trusted.overlay.opaque=y` xattr
 *   (`user.overlay.opaque` without root); the opaque directories are also listed in the
 *   returned stats so diffs need no xattr reads of lower layers.
 *
 * Every path goes through `resolveInRoot` (principle 8): `..` in a name is refused, links met
 * on the way are followed inside the directory (an absolute link is re-rooted, so a symlink
 * followed by a file "through" it lands inside), the last component is never followed (an
 * existing entry is replaced, not written through), hard links must name an entry inside the
 * directory and never a directory. Modes, numeric owners (as root), mtimes (directories after
 * their children), symlinks, hard links, xattrs (as root, `SCHILY.xattr.*`), device nodes (as
 * root; otherwise skipped with a warning) and fifos are kept.
 */
import { closeSync, constants as fsConstants, copyFileSync, chmodSync, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lstatSync, lutimesSync, mkdirSync, openSync, readdirSync, rmSync, symlinkSync, utimesSync, writeSync, type Stats } from "node:fs";
import { dirname, join } from "node:path";
import { PassThrough, Readable, pipeline } from "node:stream";
import { TarParser, type TarBodySink, type TarHeader } from "../image/tar-parser.js";
import { DigestHasher, type Digest } from "../image/digest.js";
import { OPAQUE_WHITEOUT, WHITEOUT_META_PREFIX, WHITEOUT_PREFIX } from "../image/whiteout.js";
import { KilnError, assertNever } from "../util/errors.js";
import { zlib } from "../util/lazy-builtins.js";
import { MAX_JOB_BYTES, startFileWriters, type FileSlot, type FileWriters } from "./file-writers.js";
import { mknods, setXattrs, type NodeRecord } from "./helper.js";
import { archivePathComponents, resolveInRoot } from "./resolve.js";

export type UnpackMode = "merged" | "overlay";

export interface UnpackOptions {
  readonly mode: UnpackMode;
  /**
   * overlay mode: the lower layers' directories, top first. A hard link to a file that only a
   * lower layer holds is unpacked as a copy of it (a link cannot cross layer directories).
   */
  readonly lowers?: readonly string[];
  /** Called for entries that cannot be reproduced here (device nodes without root, …). */
  readonly onWarning?: (message: string) => void;
  /** Keep owners (default: when running as root). */
  readonly chown?: boolean;
  /**
   * The layer's diff_id: the uncompressed tar is hashed as it is unpacked and a different
   * digest fails the unpack (`digest-mismatch`) after the last byte. Pulled gzip layers are
   * verified here, not at pull time (the blob digest is verified when it enters the store).
   */
  readonly diffId?: Digest;
  /** How errors name the layer (default: `layer <diffId>`). */
  readonly what?: string;
  /**
   * From the how-manieth regular file of the layer on, files are written by worker threads
   * (runtime/file-writers.ts; default 64, so small layers never start them; Infinity: never).
   */
  readonly parallelFrom?: number;
}

export interface UnpackStats {
  entries: number;
  /** overlay mode: in-layer paths of opaque directories ("" for the root). */
  opaque: string[];
  /** overlay mode: in-layer paths of whiteouts (deleted from lower layers). */
  whiteouts: string[];
  warnings: string[];
}

const isRoot = () => process.getuid?.() === 0;

/** The uncompressed tar inside `source`: gzip and zstd are recognised by their first bytes. */
export async function decompressByContent(source: Readable): Promise<Readable> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < 4) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const b = typeof r.value === "string" ? Buffer.from(r.value) : Buffer.from(r.value);
    head.push(b);
    size += b.length;
  }
  const first = Buffer.concat(head);
  const rest = Readable.from(
    (async function* () {
      if (first.length > 0) yield first;
      if (ended) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield typeof r.value === "string" ? Buffer.from(r.value) : r.value;
      }
    })(),
    { objectMode: false },
  );
  let inflate: NodeJS.ReadWriteStream | undefined;
  // big output chunks: fewer threadpool round trips (and hash updates) than the 16 KiB default
  if (first[0] === 0x1f && first[1] === 0x8b) inflate = zlib().createGunzip({ chunkSize: 256 * 1024 });
  else if (first[0] === 0x28 && first[1] === 0xb5 && first[2] === 0x2f && first[3] === 0xfd) {
    const create = (zlib() as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
    if (!create) throw new KilnError("unsupported-compression", `zstd layers need Node.js with zstd support (22.15 or later); this is ${process.version}`);
    inflate = create();
  }
  if (!inflate) return rest;
  const out = new PassThrough();
  pipeline(rest, inflate, out, () => {});
  return out;
}

function unsafe(message: string): KilnError {
  return new KilnError("unsafe-layer", message);
}

interface DirTimes {
  path: string;
  depth: number;
  mtime: number;
}

/** The stats of `path` (not following a link), or undefined when there is nothing. */
function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** `parallelFrom`'s default: 64, or KILN_UNPACK_THREADED_FROM (the tests run every unpack case threaded with 0). */
function threadedFrom(): number {
  const v = Number(process.env["KILN_UNPACK_THREADED_FROM"]);
  return process.env["KILN_UNPACK_THREADED_FROM"] !== undefined && Number.isFinite(v) && v >= 0 ? v : 64;
}

/** A file opened to be written: fails on anything already there (a link is not followed). */
const CREATE = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW;

function writeAll(fd: number, b: Buffer): void {
  for (let off = 0; off < b.length; ) off += writeSync(fd, b, off, b.length - off);
}

/**
 * Unpacks one layer into `dest` (created when missing). Throws KilnError `unsafe-layer` for
 * entries that try to leave it, `unpack-failed` for filesystem errors, `invalid-tar` for a
 * corrupt or truncated tar, `digest-mismatch` when `diffId` is given and the tar is not it.
 *
 * The tar is parsed from the stream's chunks (`image/tar-parser.ts`) and applied with
 * synchronous, descriptor-based calls: a file is one open (with O_EXCL|O_NOFOLLOW), its writes,
 * fchown, fchmod, futimes and close. When `dest` starts empty, only paths this unpack made can
 * exist, so an entry's target is looked at (lstat) only when this layer made that path before.
 */
export async function unpackLayer(source: Readable, dest: string, options: UnpackOptions): Promise<UnpackStats> {
  mkdirSync(dest, { recursive: true });
  const chown = options.chown ?? isRoot();
  const stats: UnpackStats = { entries: 0, opaque: [], whiteouts: [], warnings: [] };
  const warn = (m: string) => {
    stats.warnings.push(m);
    options.onWarning?.(m);
  };
  const what = options.what ?? (options.diffId ? `layer ${options.diffId}` : "layer");
  const written = new Set<string>(); // host paths of this layer's own entries
  // an empty dest holds only what this unpack made: host paths of everything made (a superset:
  // removals do not prune it, which costs an lstat, never a wrong answer)
  const fresh = readdirSync(dest).length === 0;
  const made = new Set<string>();
  // in-layer parent path → its resolveInRoot result, valid while entries only add files and
  // directories; cleared whenever a link is made or anything is removed
  const parents = new Map<string, string>();
  const dirTimes: DirTimes[] = [];
  const nodes: NodeRecord[] = [];
  const nodeMeta: { path: string; uid: number; gid: number; mtime: number }[] = [];
  const xattrs: { path: string; name: string; value: Buffer }[] = [];
  const opaqueName = isRoot() ? "trusted.overlay.opaque" : "user.overlay.opaque";
  const hasher = options.diffId !== undefined ? new DigestHasher() : undefined;
  let openFd: number | undefined;
  // regular files handed to the writer threads and not yet waited for, by in-layer name: a
  // later entry at or under one of them waits (drain) before it looks at the filesystem
  const parallelFrom = options.parallelFrom ?? threadedFrom();
  let files = 0;
  let writers: FileWriters | null | undefined;
  const pending = new Set<string>();
  let openSlot: FileSlot | undefined; // a threaded file whose body is still being read

  const failed = (name: string, err: unknown): KilnError =>
    err instanceof KilnError ? err : new KilnError("unpack-failed", `unpacking ${JSON.stringify(name)}: ${(err as Error).message}`, { cause: err });

  const parser = new TarParser((h) => {
    stats.entries++;
    try {
      return applyEntry(h);
    } catch (err) {
      throw failed(h.name, err);
    }
  }, what);

  try {
    for await (const chunk of await decompressByContent(source)) {
      const b = chunk as Buffer;
      hasher?.update(b);
      parser.push(b);
    }
    parser.end();
    drain();
  } finally {
    if (openFd !== undefined) closeSync(openFd);
    openSlot?.cancel();
    // nothing may still be writing when the caller removes a failed unpack
    if (writers) {
      if (pending.size > 0) writers.drain();
      writers.close();
    }
  }
  // every byte (the end-of-archive blocks too) hashed and compared before anything is kept
  if (hasher) {
    const got = hasher.digest();
    if (got !== options.diffId) throw new KilnError("digest-mismatch", `${what}: the uncompressed layer is ${got}, but the image config lists diff_id ${options.diffId}; the layer was not unpacked`);
  }

  await mknods(nodes);
  for (const n of nodeMeta) {
    if (chown) lchownSync(n.path, n.uid, n.gid);
    lutimesSync(n.path, n.mtime, n.mtime);
  }
  if (xattrs.length > 0) {
    try {
      await setXattrs(xattrs);
    } catch (err) {
      warn(`extended attributes: ${(err as Error).message}`);
    }
  }
  dirTimes.sort((a, b) => b.depth - a.depth);
  for (const d of dirTimes) utimesSync(d.path, d.mtime, d.mtime);
  return stats;

  /** Records `dir` and its ancestors below dest as made. */
  function madeDirs(dir: string): void {
    for (let p = dir; p.length > dest.length && !made.has(p); p = dirname(p)) made.add(p);
  }

  /** Waits for the files handed to the writer threads; throws the first that failed. */
  function drain(): void {
    if (!writers || pending.size === 0) return;
    pending.clear();
    const error = writers.drain();
    if (error) throw failed(error.name, Object.assign(new Error(error.message), error.code ? { code: error.code } : {}));
  }

  /** Waits when `rel` or a directory above it is a file still being written. */
  function drainIfPending(parts: readonly string[]): void {
    if (pending.size === 0) return;
    let prefix = "";
    for (const part of parts) {
      prefix = prefix === "" ? part : `${prefix}/${part}`;
      if (pending.has(prefix)) return drain();
    }
  }

  /** A regular file written by a worker thread once its body is complete. */
  function threadedSink(target: string, rel: string, h: TarHeader, to: FileWriters): TarBodySink {
    const slot = to.reserve(h.size, dirname(target));
    openSlot = slot;
    let at = 0;
    return {
      data(b) {
        slot.bytes.set(b, at);
        at += b.byteLength;
      },
      end() {
        openSlot = undefined;
        pending.add(rel);
        slot.submit({ target, name: h.name, flags: CREATE, chown, uid: h.uid, gid: h.gid, mode: h.mode & 0o7777, mtime: h.mtime });
      },
    };
  }

  function fileSink(target: string, rel: string, h: TarHeader): TarBodySink {
    if (++files >= parallelFrom && h.size <= MAX_JOB_BYTES) {
      writers ??= startFileWriters();
      if (writers) return threadedSink(target, rel, h, writers);
    }
    const fd = openSync(target, CREATE, 0o600);
    openFd = fd;
    return {
      data(b) {
        try {
          writeAll(fd, b);
        } catch (err) {
          throw failed(h.name, err);
        }
      },
      end() {
        try {
          if (chown) fchownSync(fd, h.uid, h.gid);
          fchmodSync(fd, h.mode & 0o7777);
          futimesSync(fd, h.mtime, h.mtime);
        } catch (err) {
          throw failed(h.name, err);
        } finally {
          openFd = undefined;
          closeSync(fd);
        }
      },
    };
  }

  function applyEntry(h: TarHeader): TarBodySink | undefined {
    let parts: string[];
    try {
      parts = archivePathComponents(h.name);
    } catch {
      throw unsafe(`layer entry ${JSON.stringify(h.name)} leaves the layer ('..' or NUL in its name)`);
    }
    const mode = h.mode & 0o7777;
    if (parts.length === 0) {
      // "./": the root directory's own metadata
      if (h.type === "directory") {
        drain(); // a new owner or mode must not stop a file in flight from being made (without root)
        if (chown) lchownSync(dest, h.uid, h.gid);
        chmodSync(dest, mode);
        dirTimes.push({ path: dest, depth: 0, mtime: h.mtime });
      }
      return undefined;
    }
    drainIfPending(parts);
    const base = parts[parts.length - 1]!;
    const parentRel = parts.slice(0, -1).join("/");
    let parent = parents.get(parentRel);
    const known = parent !== undefined;
    parent ??= resolveInRoot(dest, parentRel, { followLast: true });

    if (base.startsWith(WHITEOUT_PREFIX)) {
      if (base === OPAQUE_WHITEOUT) return void opaque(parent, parentRel);
      if (base.startsWith(WHITEOUT_META_PREFIX)) return undefined; // AUFS metadata
      const name = base.slice(WHITEOUT_PREFIX.length);
      if (name === "" || name === "." || name === "..") throw unsafe(`layer entry ${JSON.stringify(h.name)} is a whiteout of ${JSON.stringify(name)}`);
      return void whiteout(parent, name, parentRel);
    }

    if (!known) {
      mkdirSync(parent, { recursive: true });
      if (fresh) madeDirs(parent);
      parents.set(parentRel, parent);
    }
    const target = join(parent, base);
    const existing = !fresh || made.has(target) ? lstatOrUndefined(target) : undefined;
    const keptDir = existing?.isDirectory() === true && h.type === "directory";
    if (existing && !keptDir) {
      drain(); // it may be a directory with files still being written
      rmSync(target, { recursive: true, force: true });
      parents.clear(); // a directory on a remembered path may be gone
    }
    written.add(target);
    if (fresh) made.add(target);

    let sink: TarBodySink | undefined;
    switch (h.type) {
      case "file":
      case "contiguous-file":
        sink = fileSink(target, parentRel === "" ? base : `${parentRel}/${base}`, h);
        break;
      case "directory":
        if (!keptDir) mkdirSync(target, { mode: 0o700 });
        else drain(); // files in flight may be in it: a new owner or mode must not stop them (without root)
        if (chown) lchownSync(target, h.uid, h.gid);
        chmodSync(target, mode);
        dirTimes.push({ path: target, depth: parts.length, mtime: h.mtime });
        break;
      case "symlink":
        if (!h.linkname) throw unsafe(`layer entry ${JSON.stringify(h.name)}: symlink without a target`);
        // no drain: the link is made at a path that does not exist (an existing one was removed
        // above, after a drain), so no directory a file in flight was resolved through changes
        symlinkSync(h.linkname, target);
        parents.clear(); // a remembered parent path may now lead through this link
        if (chown) lchownSync(target, h.uid, h.gid);
        lutimesSync(target, h.mtime, h.mtime);
        break;
      case "link": {
        let linkParts: string[];
        try {
          linkParts = archivePathComponents(h.linkname);
        } catch {
          throw unsafe(`layer entry ${JSON.stringify(h.name)}: hard link to ${JSON.stringify(h.linkname)} leaves the layer`);
        }
        if (linkParts.length === 0) throw unsafe(`layer entry ${JSON.stringify(h.name)}: hard link to the root`);
        drain(); // its source may be a file still being written
        const source = resolveInRoot(dest, linkParts.join("/"), { followLast: false });
        const st = lstatOrUndefined(source);
        if (st?.isDirectory()) throw unsafe(`layer entry ${JSON.stringify(h.name)}: hard link to a directory (${h.linkname})`);
        if (st) {
          linkSync(source, target);
          break;
        }
        // overlay mode: the target lives in a lower layer's directory: copy it
        for (const lower of options.lowers ?? []) {
          const src = resolveInRoot(lower, linkParts.join("/"), { followLast: false });
          const lst = lstatOrUndefined(src);
          if (!lst) continue;
          if (!lst.isFile()) break;
          copyFileSync(src, target);
          if (chown) lchownSync(target, lst.uid, lst.gid);
          chmodSync(target, lst.mode & 0o7777);
          utimesSync(target, lst.atime, lst.mtime);
          return undefined;
        }
        throw unsafe(`layer entry ${JSON.stringify(h.name)}: hard link to ${JSON.stringify(h.linkname)}, which is not in the layer or below it`);
      }
      case "character-device":
      case "block-device":
        if (!isRoot()) {
          warn(`skipped device node ${h.name}: creating device nodes needs root`);
          written.delete(target);
          return undefined;
        }
        nodes.push({ path: target, type: h.type === "character-device" ? "char" : "block", major: h.devmajor, minor: h.devminor, mode });
        nodeMeta.push({ path: target, uid: h.uid, gid: h.gid, mtime: h.mtime });
        break;
      case "fifo":
        nodes.push({ path: target, type: "fifo", major: 0, minor: 0, mode });
        nodeMeta.push({ path: target, uid: h.uid, gid: h.gid, mtime: h.mtime });
        break;
      case "unsupported":
        warn(`skipped ${JSON.stringify(h.name)}: unsupported entry type ${JSON.stringify(h.flag)}`);
        written.delete(target);
        return undefined;
      default:
        return assertNever(h.type, "tar entry type");
    }
    if ((chown || isRoot()) && h.pax) {
      for (const [key, value] of Object.entries(h.pax)) {
        if (key.startsWith("SCHILY.xattr.")) xattrs.push({ path: target, name: key.slice("SCHILY.xattr.".length), value: Buffer.from(value, "latin1") });
      }
    }
    return sink;
  }

  function whiteout(parent: string, name: string, parentRel: string): void {
    drain();
    parents.clear();
    const target = join(parent, name);
    const rel = parentRel === "" ? name : `${parentRel}/${name}`;
    if (options.mode === "overlay") {
      if (lstatOrUndefined(target)) rmSync(target, { recursive: true, force: true });
      mkdirSync(parent, { recursive: true });
      if (fresh) {
        madeDirs(parent);
        made.add(target);
      }
      nodes.push({ path: target, type: "char", major: 0, minor: 0, mode: 0 });
      stats.whiteouts.push(rel);
      return;
    }
    if (written.has(target)) return; // this layer's own entry: a whiteout only hides lower layers
    rmSync(target, { recursive: true, force: true });
  }

  function opaque(dir: string, rel: string): void {
    drain();
    parents.clear();
    if (options.mode === "overlay") {
      mkdirSync(dir, { recursive: true });
      if (fresh) madeDirs(dir);
      xattrs.push({ path: dir, name: opaqueName, value: Buffer.from("y") });
      stats.opaque.push(rel);
      return;
    }
    const st = lstatOrUndefined(dir);
    if (!st?.isDirectory()) return;
    for (const name of readdirSync(dir)) {
      const child = join(dir, name);
      if (!written.has(child)) rmSync(child, { recursive: true, force: true });
    }
  }
}

/** `dirname` for in-root paths ("" is the root). */
export function parentOf(rel: string): string {
  const d = dirname(rel);
  return d === "." ? "" : d;
}
