/**
 * A deterministic tar writer on tar-stream (principle 9): the same entries, in any order, give
 * the same bytes.
 *
 * - entries are sorted by path component by component (a directory's subtree stays together,
 *   parents come before children), whiteouts before their siblings as the OCI spec asks;
 * - owners are numeric only (uname/gname empty); mtimes are whole seconds, clamped to
 *   `sourceDateEpoch` when given, and 0 (the epoch) when an entry has none;
 * - hard links are canonicalised: the first path of an inode in sorted order carries the data,
 *   the others link to it, so a link never precedes its target;
 * - bodies are opened one at a time while the archive streams; nothing buffers a whole layer.
 *
 * What tar-stream 3 does on its own, and what this module adds:
 * - names and link targets that do not fit ustar (name 100 + prefix 155 bytes, link 100 bytes)
 *   or are not ASCII get a PAX `path` / `linkpath` record: kept as is;
 * - uid/gid are written as 6 octal digits, so ids above 262143 (0o777777) would silently become
 *   262143: we add PAX `uid`/`gid` records for them;
 * - mtime is converted with `| 0`, so times before 1970 or after 2038-01-19 would be garbled:
 *   we clamp the header field and add a PAX `mtime` record;
 * - a mode of 0 is replaced by 0644/0755: we pass the file type bits along so 0 stays 0;
 * - PAX values are written as UTF-8 strings, so binary values (e.g. xattrs such as
 *   security.capability) cannot be carried yet;
 * - an entry that needs PAX is preceded by a PAX header named `PaxHeader`, and its own ustar
 *   name field also reads `PaxHeader` (every container tool reads PAX; old ustar-only readers
 *   would not see the real names).
 */
import { Readable } from "node:stream";
import type tarStream from "tar-stream";
import { KilnError } from "../util/errors.js";
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from "./whiteout.js";

/**
 * A body given whole, or an opener called when the entry is written (once per archive); an
 * opener may return the bytes whole (cheaper than a stream for a small file read on demand).
 */
export type TarBody =
  | Uint8Array
  | (() => Uint8Array | Readable | AsyncIterable<Uint8Array> | Promise<Uint8Array | Readable | AsyncIterable<Uint8Array>>);

export interface TarEntryCommon {
  /** Archive path; a leading `/` or `./` is dropped, `..` is refused. */
  path: string;
  /** Permission bits including setuid/setgid/sticky (`& 0o7777`). Default 0644 files, 0755 dirs, 0777 symlinks. */
  mode?: number;
  uid?: number;
  gid?: number;
  /** Whole seconds are kept. Default: the epoch (or sourceDateEpoch). */
  mtime?: Date;
}

export interface TarFileEntry extends TarEntryCommon {
  type: "file";
  /** Required when the body is an opener; taken from the body when it is bytes. */
  size?: number;
  /** Omitted for an empty file. */
  body?: TarBody;
}
export interface TarDirectoryEntry extends TarEntryCommon {
  type: "directory";
}
export interface TarSymlinkEntry extends TarEntryCommon {
  type: "symlink";
  /** The link's contents, kept verbatim. */
  target: string;
}
export interface TarHardlinkEntry extends TarEntryCommon {
  type: "hardlink";
  /** Archive path of another entry (normalised like `path`). */
  target: string;
}
export interface TarDeviceEntry extends TarEntryCommon {
  type: "char" | "block";
  devmajor: number;
  devminor: number;
}
export interface TarFifoEntry extends TarEntryCommon {
  type: "fifo";
}

export type TarEntry = TarFileEntry | TarDirectoryEntry | TarSymlinkEntry | TarHardlinkEntry | TarDeviceEntry | TarFifoEntry;
export type TarEntryType = TarEntry["type"];

export interface TarOptions {
  /**
   * Seconds since the epoch (the value of SOURCE_DATE_EPOCH): later mtimes are clamped to it and
   * entries without an mtime get it.
   */
  sourceDateEpoch?: number;
}

/** The largest id tar-stream can write in a header (6 octal digits); larger ids go to PAX. */
export const MAX_USTAR_ID = 0o777777;
/** The mtime range tar-stream writes correctly; outside it we use PAX. */
const MAX_HEADER_MTIME = 2 ** 31 - 1;

const TYPE_BITS: Record<TarEntryType, number> = {
  file: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  hardlink: 0o100000,
  char: 0o020000,
  block: 0o060000,
  fifo: 0o010000,
};

const STREAM_TYPE = {
  file: "file",
  directory: "directory",
  symlink: "symlink",
  hardlink: "link",
  char: "character-device",
  block: "block-device",
  fifo: "fifo",
} as const satisfies Record<TarEntryType, string>;

function badEntry(code: string, message: string): KilnError {
  return new KilnError(code, message);
}

/**
 * The archive form of a path: no leading `/` or `./`, no `.` components, single slashes, no
 * trailing slash. Throws KilnError `invalid-tar-path` for empty/root paths, `..` and NUL.
 */
export function normalizeTarPath(path: string): string {
  if (path.includes("\0")) throw badEntry("invalid-tar-path", `tar path ${JSON.stringify(path)} contains a NUL byte`);
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") throw badEntry("invalid-tar-path", `tar path ${JSON.stringify(path)} contains '..'`);
    parts.push(part);
  }
  if (parts.length === 0) throw badEntry("invalid-tar-path", `tar path ${JSON.stringify(path)} names the root, which cannot be an entry`);
  return parts.join("/");
}

/** Compares strings by Unicode code point, which is UTF-8 byte order (JS `<` compares UTF-16 units). */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // surrogates (0xD800-0xDFFF) encode code points above 0xFFFF: move them above 0xE000-0xFFFF
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

function componentRank(component: string): number {
  if (component === OPAQUE_WHITEOUT) return 0;
  if (component.startsWith(WHITEOUT_PREFIX)) return 1;
  return 2;
}

/**
 * The archive order of two normalised paths: component by component; within a directory the
 * opaque whiteout first, then whiteouts, then other names, each by code point.
 */
export function compareTarPaths(a: string, b: string): number {
  const as = a.split("/");
  const bs = b.split("/");
  const n = Math.min(as.length, bs.length);
  for (let i = 0; i < n; i++) {
    const x = as[i]!;
    const y = bs[i]!;
    if (x === y) continue;
    return componentRank(x) - componentRank(y) || compareCodePoints(x, y);
  }
  return as.length - bs.length;
}

function checkId(value: number | undefined, what: string, path: string): number {
  if (value === undefined) return 0;
  if (!Number.isSafeInteger(value) || value < 0) throw badEntry("invalid-tar-entry", `${path}: ${what} ${value} is not a non-negative integer`);
  return value;
}

/** An entry after validation: normalised path and target, resolved mode, size, mtime seconds. */
export interface PreparedTarEntry {
  readonly entry: TarEntry;
  readonly path: string;
  readonly type: TarEntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** Whole seconds, after clamping. */
  readonly mtime: number;
  readonly size: number;
  readonly linkname: string | undefined;
}

function prepareOne(entry: TarEntry, options: TarOptions): PreparedTarEntry {
  const path = normalizeTarPath(entry.path);
  const type = entry.type;
  if (!(type in TYPE_BITS)) throw badEntry("invalid-tar-entry", `${path}: unknown entry type ${JSON.stringify(type)}`);
  const defaultMode = type === "directory" ? 0o755 : type === "symlink" ? 0o777 : 0o644;
  const mode = entry.mode ?? defaultMode;
  if (!Number.isInteger(mode) || mode < 0) throw badEntry("invalid-tar-entry", `${path}: mode ${mode} is not a non-negative integer`);
  const uid = checkId(entry.uid, "uid", path);
  const gid = checkId(entry.gid, "gid", path);

  const epoch = options.sourceDateEpoch;
  let mtime: number;
  if (entry.mtime === undefined) {
    mtime = epoch ?? 0;
  } else {
    const ms = entry.mtime.getTime();
    if (!Number.isFinite(ms)) throw badEntry("invalid-tar-entry", `${path}: mtime is an invalid Date`);
    mtime = Math.floor(ms / 1000);
    if (epoch !== undefined && mtime > epoch) mtime = epoch;
  }

  let size = 0;
  let linkname: string | undefined;
  switch (entry.type) {
    case "file": {
      const body = entry.body;
      if (body === undefined) {
        if (entry.size !== undefined && entry.size !== 0) throw badEntry("invalid-tar-entry", `${path}: size ${entry.size} but no body`);
      } else if (typeof body === "function") {
        if (entry.size === undefined) throw badEntry("invalid-tar-entry", `${path}: a file whose body is an opener needs a size`);
        size = entry.size;
      } else {
        if (entry.size !== undefined && entry.size !== body.byteLength) {
          throw badEntry("invalid-tar-entry", `${path}: size ${entry.size} but the body has ${body.byteLength} bytes`);
        }
        size = body.byteLength;
      }
      if (!Number.isSafeInteger(size) || size < 0) throw badEntry("invalid-tar-entry", `${path}: size ${size} is not a non-negative integer`);
      break;
    }
    case "symlink":
      if (typeof entry.target !== "string" || entry.target === "") throw badEntry("invalid-tar-entry", `${path}: a symlink needs a non-empty target`);
      if (entry.target.includes("\0")) throw badEntry("invalid-tar-entry", `${path}: symlink target contains a NUL byte`);
      linkname = entry.target;
      break;
    case "hardlink":
      linkname = normalizeTarPath(entry.target);
      if (linkname === path) throw badEntry("invalid-tar-entry", `${path}: a hard link cannot point to itself`);
      break;
    case "char":
    case "block":
      for (const [what, n] of [["devmajor", entry.devmajor], ["devminor", entry.devminor]] as const) {
        if (!Number.isInteger(n) || n < 0 || n > MAX_USTAR_ID) {
          throw badEntry("invalid-tar-entry", `${path}: ${what} ${n} is not an integer from 0 to ${MAX_USTAR_ID}`);
        }
      }
      break;
    case "directory":
    case "fifo":
      break;
  }
  return { entry, path, type, mode: mode & 0o7777, uid, gid, mtime, size, linkname };
}

/**
 * Hard links: every inode's group (a file and the links that resolve to it) is rewritten so the
 * member that sorts first carries the data and the others link to it. Links that end outside
 * the archive (a file of a lower layer) point straight at that path.
 */
function canonicalizeHardlinks(sorted: PreparedTarEntry[]): PreparedTarEntry[] {
  const index = new Map<string, number>();
  sorted.forEach((e, i) => index.set(e.path, i));
  const root = (i: number): number => {
    const seen = new Set<number>();
    let j = i;
    while (sorted[j]!.type === "hardlink") {
      if (seen.has(j)) throw badEntry("invalid-tar-entry", `${sorted[i]!.path}: hard links form a cycle`);
      seen.add(j);
      const next = index.get(sorted[j]!.linkname!);
      if (next === undefined) return j; // points outside the archive
      j = next;
    }
    return j;
  };
  const groups = new Map<number, number[]>();
  const out = sorted.slice();
  sorted.forEach((e, i) => {
    if (e.type !== "hardlink") return;
    const r = root(i);
    if (sorted[r]!.type === "hardlink") {
      // the chain ends outside the archive: point straight there, never at a later entry
      if (r !== i) out[i] = { ...e, linkname: sorted[r]!.linkname };
      return;
    }
    if (sorted[r]!.type === "directory") throw badEntry("invalid-tar-entry", `${e.path}: hard link to a directory (${sorted[r]!.path})`);
    let members = groups.get(r);
    if (!members) groups.set(r, (members = [r]));
    members.push(i);
  });
  for (const [r, members] of groups) {
    members.sort((a, b) => a - b);
    const carrier = members[0]!;
    const data = sorted[r]!;
    out[carrier] = { ...data, path: sorted[carrier]!.path };
    for (const m of members.slice(1)) {
      out[m] = { ...data, entry: sorted[m]!.entry, path: sorted[m]!.path, type: "hardlink", size: 0, linkname: sorted[carrier]!.path };
    }
  }
  return out;
}

/**
 * Validates, normalises and orders entries as createTar writes them. Throws KilnError
 * (`invalid-tar-path`, `invalid-tar-entry`, `duplicate-tar-entry`) before anything is written.
 */
export function prepareTarEntries(entries: Iterable<TarEntry>, options: TarOptions = {}): PreparedTarEntry[] {
  const epoch = options.sourceDateEpoch;
  if (epoch !== undefined && (!Number.isSafeInteger(epoch) || epoch < 0)) {
    throw new KilnError("invalid-source-date-epoch", `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got ${epoch}`);
  }
  const prepared = Array.from(entries, (e) => prepareOne(e, options));
  prepared.sort((a, b) => compareTarPaths(a.path, b.path));
  for (let i = 1; i < prepared.length; i++) {
    if (prepared[i]!.path === prepared[i - 1]!.path) {
      throw badEntry("duplicate-tar-entry", `the archive would contain ${JSON.stringify(prepared[i]!.path)} twice`);
    }
  }
  return canonicalizeHardlinks(prepared);
}

type PackHeader = Partial<tarStream.Header> & { name: string; pax?: Record<string, string> };

function headerOf(e: PreparedTarEntry): PackHeader {
  const pax: Record<string, string> = {};
  let uid = e.uid;
  let gid = e.gid;
  let mtime = e.mtime;
  // Keys in sorted order so the PAX record bytes never depend on code paths.
  if (gid > MAX_USTAR_ID) {
    pax.gid = String(gid);
    gid = MAX_USTAR_ID;
  }
  if (mtime < 0 || mtime > MAX_HEADER_MTIME) {
    pax.mtime = String(mtime);
    mtime = mtime < 0 ? 0 : MAX_HEADER_MTIME;
  }
  if (uid > MAX_USTAR_ID) {
    pax.uid = String(uid);
    uid = MAX_USTAR_ID;
  }
  const header: PackHeader = {
    name: e.type === "directory" ? `${e.path}/` : e.path,
    // The type bits keep a mode of 0 from being replaced by tar-stream's default; it writes mode & 0o7777.
    mode: e.mode | TYPE_BITS[e.type],
    uid,
    gid,
    size: e.type === "file" ? e.size : 0,
    mtime: new Date(mtime * 1000),
    type: STREAM_TYPE[e.type],
    uname: "",
    gname: "",
  };
  if (e.linkname !== undefined) header.linkname = e.linkname;
  if (e.entry.type === "char" || e.entry.type === "block") {
    header.devmajor = e.entry.devmajor;
    header.devminor = e.entry.devminor;
  }
  if (Object.keys(pax).length > 0) header.pax = pax;
  return header;
}

type Sink = ReturnType<tarStream.Pack["entry"]>;

function waitDrain(sink: Sink): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: unknown) => {
      sink.off("drain", onDrain);
      sink.off("error", onError);
      sink.off("close", onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (err: unknown) => done(err);
    const onClose = () => done(new Error("tar entry closed before its body was written"));
    sink.on("drain", onDrain);
    sink.on("error", onError);
    sink.on("close", onClose);
  });
}

async function writeEntry(pack: tarStream.Pack, e: PreparedTarEntry): Promise<void> {
  const header = headerOf(e);
  // (a hard link member may hold the inode's original file entry: only `e.type` says what to write)
  const given = e.type === "file" && e.entry.type === "file" ? e.entry.body : undefined;
  let body: TarBody | undefined = given;
  let source: Readable | AsyncIterable<Uint8Array> | undefined;
  if (typeof given === "function") {
    const opened = await given();
    if (opened instanceof Uint8Array) {
      if (opened.byteLength !== e.size) throw badEntry("tar-size-mismatch", `${e.path}: the body has ${opened.byteLength} bytes, the entry declared ${e.size}`);
      body = opened;
    } else source = opened;
  }
  if (typeof body !== "function") {
    const bytes = body === undefined ? undefined : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if (e.type === "file") pack.entry(header, bytes ?? Buffer.alloc(0), cb);
      else pack.entry(header, cb);
    });
    return;
  }
  let sink!: Sink;
  const finished = new Promise<void>((resolve, reject) => {
    sink = pack.entry(header, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
  finished.catch(() => {}); // observed below; an early failure must not be an unhandled rejection
  sink.on("error", () => {}); // the failure reaches the reader through the pack; don't crash on the sink's copy
  let written = 0;
  try {
    for await (const chunk of source!) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      written += buf.byteLength;
      if (written > e.size) {
        throw badEntry("tar-size-mismatch", `${e.path}: the body has more than the declared ${e.size} bytes`);
      }
      if (!sink.write(buf)) await waitDrain(sink);
    }
    if (written !== e.size) throw badEntry("tar-size-mismatch", `${e.path}: the body has ${written} bytes, the entry declared ${e.size}`);
    sink.end(null); // streamx types want an argument; null writes nothing
    await finished;
  } catch (err) {
    if (source instanceof Readable) source.destroy();
    sink.destroy(err as Error);
    throw err;
  }
}

/**
 * Streams a tar archive of `entries` (see the module comment for the guarantees). Entries are
 * validated and sorted before this returns, so bad input throws here; body errors and size
 * mismatches fail the returned stream. Nothing is opened until the stream is read.
 */
export function createTar(entries: Iterable<TarEntry>, options: TarOptions = {}): Readable {
  const prepared = prepareTarEntries(entries, options);
  return Readable.from(generate(prepared), { objectMode: false });
}

async function* generate(prepared: PreparedTarEntry[]): AsyncGenerator<Buffer> {
  // tar-stream (and streamx under it) load with the first streamed archive: tarBuffer() needs neither
  const { default: tarStream } = await import("tar-stream");
  const pack = tarStream.pack();
  const feeding = (async () => {
    for (const e of prepared) await writeEntry(pack, e);
    pack.finalize();
  })();
  feeding.catch((err: unknown) => pack.destroy(err as Error));
  let complete = false;
  try {
    for await (const chunk of pack) yield chunk as Buffer;
    await feeding;
    complete = true;
  } finally {
    if (!complete) pack.destroy(new Error("tar stream closed early"));
  }
}

/**
 * Reads SOURCE_DATE_EPOCH from a value (pass `env.SOURCE_DATE_EPOCH`): undefined or empty gives
 * undefined; anything but a whole number of seconds throws KilnError `invalid-source-date-epoch`.
 */
export function parseSourceDateEpoch(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new KilnError("invalid-source-date-epoch", `SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got ${JSON.stringify(value)}`);
  }
  return n;
}

// ---------------------------------------------------------------- the whole archive in memory

const BLOCK = 512;
const ZEROS = "0000000000000000000";
const SEVENS = "7777777777777777777";
const TYPEFLAG: Record<(typeof STREAM_TYPE)[TarEntryType] | "pax-header", number> = {
  file: 0,
  link: 1,
  symlink: 2,
  "character-device": 3,
  "block-device": 4,
  directory: 5,
  fifo: 6,
  "pax-header": 72,
};

/** tar-stream's octal field: `n` digits and a space, all 7s when the value does not fit. */
function octal(value: number, n: number): string {
  const v = value.toString(8);
  return v.length > n ? `${SEVENS.slice(0, n)} ` : `${ZEROS.slice(0, n - v.length)}${v} `;
}

interface HeaderFields {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  type: keyof typeof TYPEFLAG;
  linkname?: string | undefined;
  devmajor?: number | undefined;
  devminor?: number | undefined;
}

/**
 * One ustar header block, byte for byte what tar-stream 3's `headers.encode` writes (uname and
 * gname are always empty here), or null when the name or link target needs PAX (not ASCII, or
 * too long for the name/prefix/link fields).
 */
function ustarHeader(h: HeaderFields): Buffer | null {
  let name = h.name;
  let prefix = "";
  if (Buffer.byteLength(name) !== name.length) return null;
  while (Buffer.byteLength(name) > 100) {
    const i = name.indexOf("/");
    if (i === -1) return null;
    prefix += prefix ? `/${name.slice(0, i)}` : name.slice(0, i);
    name = name.slice(i + 1);
  }
  if (Buffer.byteLength(name) > 100 || Buffer.byteLength(prefix) > 155) return null;
  if (h.linkname && Buffer.byteLength(h.linkname) > 100) return null;
  const buf = Buffer.alloc(BLOCK);
  buf.write(name, 0);
  buf.write(octal(h.mode & 0o7777, 6), 100);
  buf.write(octal(h.uid, 6), 108);
  buf.write(octal(h.gid, 6), 116);
  if (h.size.toString(8).length > 11) {
    buf[124] = 0x80;
    let num = h.size;
    for (let i = 11; i > 0; i--) {
      buf[124 + i] = num & 0xff;
      num = Math.floor(num / 0x100);
    }
  } else {
    buf.write(octal(h.size, 11), 124);
  }
  buf.write(octal(h.mtime | 0, 11), 136);
  buf[156] = 0x30 + TYPEFLAG[h.type];
  if (h.linkname) buf.write(h.linkname, 157);
  buf.write("ustar\u000000", 257, "latin1");
  buf.write(octal(h.devmajor || 0, 6), 329);
  buf.write(octal(h.devminor || 0, 6), 337);
  if (prefix) buf.write(prefix, 345);
  let sum = 8 * 32;
  for (let i = 0; i < 148; i++) sum += buf[i]!;
  for (let i = 156; i < BLOCK; i++) sum += buf[i]!;
  buf.write(octal(sum, 6), 148);
  return buf;
}

/** A PAX record `<length> key=value\n`, the length counting itself (tar-stream's addLength). */
function paxRecord(key: string, value: string): string {
  const str = ` ${key}=${value}\n`;
  const len = Buffer.byteLength(str);
  let digits = Math.floor(Math.log(len) / Math.log(10)) + 1;
  if (len + digits >= Math.pow(10, digits)) digits++;
  return `${len + digits}${str}`;
}

const padding = (size: number): Buffer | undefined => (size % BLOCK === 0 ? undefined : Buffer.alloc(BLOCK - (size % BLOCK)));

/** The header blocks of an entry (a PAX header first when it needs one), as tar-stream's pack writes them. */
function headerBlocks(e: PreparedTarEntry, out: Buffer[]): void {
  const h = headerOf(e);
  const fields: HeaderFields = {
    name: h.name,
    mode: h.mode!,
    uid: h.uid!,
    gid: h.gid!,
    size: h.size ?? 0,
    mtime: Math.trunc(h.mtime!.getTime() / 1000),
    type: h.type as HeaderFields["type"],
    linkname: h.linkname ?? undefined,
    devmajor: h.devmajor,
    devminor: h.devminor,
  };
  if (!h.pax) {
    const plain = ustarHeader(fields);
    if (plain) {
      out.push(plain);
      return;
    }
  }
  let text = paxRecord("path", fields.name);
  if (fields.linkname) text += paxRecord("linkpath", fields.linkname);
  for (const [k, v] of Object.entries(h.pax ?? {})) text += paxRecord(k, v);
  const pax = Buffer.from(text);
  const named = { ...fields, name: "PaxHeader", linkname: fields.linkname ? "PaxHeader" : undefined };
  out.push(ustarHeader({ ...named, size: pax.byteLength, type: "pax-header" })!, pax);
  const pad = padding(pax.byteLength);
  if (pad) out.push(pad);
  out.push(ustarHeader(named)!);
}

async function bodyBytes(e: PreparedTarEntry): Promise<Buffer | undefined> {
  const given = e.type === "file" && e.entry.type === "file" ? e.entry.body : undefined;
  if (given === undefined) return undefined;
  const got = typeof given === "function" ? given() : given;
  const opened = got instanceof Uint8Array ? got : await got;
  if (opened instanceof Uint8Array) {
    if (opened.byteLength !== e.size) throw badEntry("tar-size-mismatch", `${e.path}: the body has ${opened.byteLength} bytes, the entry declared ${e.size}`);
    return Buffer.from(opened.buffer, opened.byteOffset, opened.byteLength);
  }
  const chunks: Buffer[] = [];
  let written = 0;
  try {
    for await (const chunk of opened) {
      const buf = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      written += buf.byteLength;
      if (written > e.size) throw badEntry("tar-size-mismatch", `${e.path}: the body has more than the declared ${e.size} bytes`);
      chunks.push(buf);
    }
  } catch (err) {
    if (opened instanceof Readable) opened.destroy();
    throw err;
  }
  if (written !== e.size) throw badEntry("tar-size-mismatch", `${e.path}: the body has ${written} bytes, the entry declared ${e.size}`);
  return Buffer.concat(chunks, written);
}

/**
 * The archive createTar() would stream, byte for byte, built in memory: for small layers (a COPY
 * of a few files, a WORKDIR), where tar-stream's streams cost several milliseconds and an
 * event-loop turn per entry while the bytes are a few KB. Bodies are opened one after another
 * (an opener that returns bytes costs no turn of the event loop). Throws what createTar's
 * stream would fail with.
 */
export async function tarBuffer(entries: Iterable<TarEntry>, options: TarOptions = {}): Promise<Buffer> {
  const prepared = prepareTarEntries(entries, options);
  const out: Buffer[] = [];
  for (const e of prepared) {
    headerBlocks(e, out);
    if (e.type !== "file") continue;
    const body = await bodyBytes(e);
    if (body && body.byteLength > 0) {
      out.push(body);
      const pad = padding(body.byteLength);
      if (pad) out.push(pad);
    }
  }
  out.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(out);
}

/** Bytes of file bodies in `entries` (Infinity when a body's size is unknown): whether tarBuffer() suits them. */
export function tarBodyBytes(entries: Iterable<TarEntry>): number {
  let n = 0;
  for (const e of entries) {
    if (e.type !== "file" || e.body === undefined) continue;
    n += typeof e.body === "function" ? (e.size ?? Infinity) : e.body.byteLength;
  }
  return n;
}
