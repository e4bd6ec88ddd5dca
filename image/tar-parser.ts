/**
 * A push parser for tar: chunks in, entries out, synchronously. No stream or promise per entry:
 * a body is handed to its sink as slices of the chunks that carry it, so unpacking a layer of
 * 20,000 small files costs a few calls per file, not an async pipeline per file.
 *
 * Formats: ustar (the `prefix` field), GNU and v7 headers; base-256 numbers; GNU long names
 * (`L`, `K`, `N`); PAX extended headers (`x`: `path`, `linkpath`, `size`, `uid`, `gid`, `mtime`
 * applied; every record kept in `pax`). PAX global headers (`g`) are skipped, as Go's
 * archive/tar (containerd, Docker) does when extracting. As in Go, link, symlink, device,
 * directory and fifo entries have no body whatever their size field says. Zero blocks are
 * skipped (the end-of-archive marker and any padding after it).
 *
 * Broken input is a KilnError `invalid-tar` (bad checksum, truncated entry, oversized meta
 * header) naming the byte offset.
 */
import { KilnError } from "../util/errors.js";

export type TarEntryType = "file" | "contiguous-file" | "link" | "symlink" | "character-device" | "block-device" | "directory" | "fifo" | "unsupported";

export interface TarHeader {
  name: string;
  type: TarEntryType;
  /** The type flag as written (`S` for a GNU sparse file...), to name unsupported types. */
  flag: string;
  /** Body bytes (0 for types without a body). */
  size: number;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch (fractional from PAX). */
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  /**
   * This entry's PAX records. Values are UTF-8, except `SCHILY.xattr.*` values, which are
   * latin1 so that `Buffer.from(value, "latin1")` gives back their bytes exactly.
   */
  pax: Record<string, string> | undefined;
}

/** Receives one entry's body in order; `end` after the last byte. */
export interface TarBodySink {
  data(chunk: Buffer): void;
  end(): void;
}

/** PAX and GNU long-name records larger than this are refused (Go's limit too). */
const MAX_META = 1 << 20;

const TYPES: Record<string, TarEntryType> = {
  "0": "file",
  "\0": "file",
  "7": "contiguous-file",
  "1": "link",
  "2": "symlink",
  "3": "character-device",
  "4": "block-device",
  "5": "directory",
  "6": "fifo",
};
const HEADER_ONLY = new Set<TarEntryType>(["link", "symlink", "character-device", "block-device", "directory", "fifo"]);

const enum State {
  Header,
  Body,
  Meta,
  Padding,
}

/** A NUL-terminated string field. */
function str(b: Buffer, off: number, len: number): string {
  let end = off;
  const max = off + len;
  while (end < max && b[end] !== 0) end++;
  return b.toString("utf8", off, end);
}

/** An octal (or base-256) number field. */
function num(b: Buffer, off: number, len: number): number {
  if (b[off]! & 0x80) {
    // base-256: big-endian two's complement; the first byte's top bit marks the form
    const negative = b[off] === 0xff;
    let v = 0;
    for (let i = off + 1; i < off + len; i++) v = v * 256 + (negative ? 0xff - b[i]! : b[i]!);
    return negative ? -v - 1 : v;
  }
  let i = off;
  const end = off + len;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c < 0x30 || c > 0x37) break;
    v = v * 8 + (c - 0x30);
  }
  return v;
}

function checksumOf(b: Buffer): number {
  let sum = 8 * 0x20; // the checksum field counts as spaces
  for (let i = 0; i < 148; i++) sum += b[i]!;
  for (let i = 156; i < 512; i++) sum += b[i]!;
  return sum;
}

/** `len key=value\n` records. */
export function parsePax(b: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  while (off < b.length) {
    const space = b.indexOf(0x20, off);
    if (space < 0) break;
    const len = Number(b.toString("latin1", off, space));
    if (!Number.isInteger(len) || len <= 0 || off + len > b.length) break;
    const eq = b.indexOf(0x3d, space + 1);
    if (eq < 0 || eq >= off + len) break;
    const key = b.toString("utf8", space + 1, eq);
    out[key] = b.toString(key.startsWith("SCHILY.xattr.") ? "latin1" : "utf8", eq + 1, off + len - 1);
    off += len;
  }
  return out;
}

export class TarParser {
  private state = State.Header;
  private readonly block = Buffer.alloc(512);
  private blockLen = 0;
  private remaining = 0;
  private padding = 0;
  private sink: TarBodySink | undefined;
  private meta: Buffer | undefined;
  private metaLen = 0;
  private metaFlag = "";
  private longName: string | undefined;
  private longLink: string | undefined;
  private pax: Record<string, string> | undefined;
  /** Bytes consumed so far (for messages). */
  private offset = 0;

  /**
   * `onEntry` is called for every entry (after its meta headers are applied) and returns where
   * its body goes (undefined: skipped).
   */
  constructor(
    private readonly onEntry: (header: TarHeader) => TarBodySink | undefined,
    private readonly what = "tar",
  ) {}

  push(chunk: Buffer): void {
    let off = 0;
    const n = chunk.length;
    while (off < n) {
      switch (this.state) {
        case State.Header: {
          let b: Buffer;
          if (this.blockLen === 0 && n - off >= 512) {
            b = chunk.subarray(off, off + 512);
            off += 512;
          } else {
            const take = Math.min(512 - this.blockLen, n - off);
            chunk.copy(this.block, this.blockLen, off, off + take);
            this.blockLen += take;
            off += take;
            if (this.blockLen < 512) break;
            this.blockLen = 0;
            b = this.block;
          }
          this.header(b);
          this.offset += 512;
          break;
        }
        case State.Body: {
          const take = Math.min(this.remaining, n - off);
          this.sink?.data(chunk.subarray(off, off + take));
          off += take;
          this.offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.endBody();
          break;
        }
        case State.Meta: {
          const take = Math.min(this.remaining, n - off);
          chunk.copy(this.meta!, this.metaLen, off, off + take);
          this.metaLen += take;
          off += take;
          this.offset += take;
          this.remaining -= take;
          if (this.remaining === 0) this.endMeta();
          break;
        }
        case State.Padding: {
          const take = Math.min(this.padding, n - off);
          off += take;
          this.offset += take;
          this.padding -= take;
          if (this.padding === 0) this.state = State.Header;
          break;
        }
      }
    }
  }

  /** The input ended: throws `invalid-tar` when it ended inside an entry. */
  end(): void {
    if (this.state === State.Header && this.blockLen === 0 && this.longName === undefined && this.longLink === undefined && this.pax === undefined) return;
    throw new KilnError("invalid-tar", `${this.what}: the archive ends inside an entry (at byte ${this.offset + this.blockLen}): truncated?`);
  }

  private bad(message: string): KilnError {
    return new KilnError("invalid-tar", `${this.what}: ${message} at byte ${this.offset}`);
  }

  private header(b: Buffer): void {
    const sum = checksumOf(b);
    if (sum === 8 * 0x20) return; // a zero block
    if (sum !== num(b, 148, 8)) throw this.bad("bad tar header checksum (corrupt, or not a tar)");
    const flag = String.fromCharCode(b[156]!);
    const size = num(b, 124, 12);
    if (size < 0) throw this.bad("negative entry size");
    if (flag === "x" || flag === "g" || flag === "L" || flag === "K" || flag === "N") {
      if (size > MAX_META) throw this.bad(`a ${flag} header of ${size} bytes (more than ${MAX_META})`);
      this.meta = Buffer.allocUnsafe(size);
      this.metaLen = 0;
      this.metaFlag = flag;
      this.remaining = size;
      this.padding = (512 - (size % 512)) % 512;
      this.state = State.Meta;
      if (size === 0) this.endMeta();
      return;
    }
    let name = str(b, 0, 100);
    // ustar's prefix field (GNU headers keep other fields there)
    if (b[257] === 0x75 && b.toString("latin1", 257, 263) === "ustar\0" && b[345] !== 0) name = `${str(b, 345, 155)}/${name}`;
    let type: TarEntryType = TYPES[flag] ?? "unsupported";
    if (type === "file" && name.endsWith("/")) type = "directory"; // old tars mark directories so
    const h: TarHeader = {
      name,
      type,
      flag,
      size,
      mode: num(b, 100, 8),
      uid: num(b, 108, 8),
      gid: num(b, 116, 8),
      mtime: num(b, 136, 12),
      linkname: str(b, 157, 100),
      devmajor: num(b, 329, 8),
      devminor: num(b, 337, 8),
      pax: undefined,
    };
    if (this.longName !== undefined) h.name = this.longName;
    if (this.longLink !== undefined) h.linkname = this.longLink;
    const pax = this.pax;
    if (pax) {
      if (pax.path !== undefined) h.name = pax.path;
      if (pax.linkpath !== undefined) h.linkname = pax.linkpath;
      if (pax.size !== undefined) h.size = paxNumber(pax.size, h.size);
      if (pax.uid !== undefined) h.uid = paxNumber(pax.uid, h.uid);
      if (pax.gid !== undefined) h.gid = paxNumber(pax.gid, h.gid);
      if (pax.mtime !== undefined) h.mtime = paxNumber(pax.mtime, h.mtime);
      h.pax = pax;
    }
    this.longName = this.longLink = this.pax = undefined;
    if (HEADER_ONLY.has(type)) h.size = 0;
    this.sink = this.onEntry(h);
    this.remaining = h.size;
    this.padding = (512 - (h.size % 512)) % 512;
    this.state = State.Body;
    if (h.size === 0) this.endBody();
  }

  private endBody(): void {
    const sink = this.sink;
    this.sink = undefined;
    this.state = this.padding > 0 ? State.Padding : State.Header;
    sink?.end();
  }

  private endMeta(): void {
    const b = this.meta!;
    this.meta = undefined;
    this.state = this.padding > 0 ? State.Padding : State.Header;
    switch (this.metaFlag) {
      case "x":
        this.pax = parsePax(b);
        break;
      case "g":
        break;
      case "K":
        this.longLink = str(b, 0, b.length);
        break;
      default:
        this.longName = str(b, 0, b.length);
    }
  }
}

function paxNumber(v: string, fallback: number): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}
