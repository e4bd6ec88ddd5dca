/**
 * Reading tar archives from outside (rootfs tarballs, layers): compression sniffing, a checked
 * entry iterator, and `sanitizeLayerTar`, which streams an archive through unchanged in content
 * but with safe names. Every failure is a KilnError naming the archive: `invalid-tar` for
 * corrupt, truncated or non-tar input, `unsafe-tar-path` for names escaping the root.
 */
import { PassThrough, Readable, pipeline } from "node:stream";
import * as zlib from "node:zlib";
import tarStream from "tar-stream";
import { KilnError } from "../util/errors.js";
import { MAX_USTAR_ID } from "./tar.js";

export type SniffedCompression = "none" | "gzip" | "zstd" | "bzip2" | "xz";

/** What the first bytes of a stream say it is. */
export function sniffCompression(head: Uint8Array): SniffedCompression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return "bzip2";
  if (head[0] === 0xfd && head[1] === 0x37 && head[2] === 0x7a && head[3] === 0x58 && head[4] === 0x5a && head[5] === 0x00) return "xz";
  return "none";
}

/**
 * The uncompressed bytes of `input`, whose compression is detected from its content (plain tar
 * or gzip; zstd where Node supports it). bzip2 and xz are refused with KilnError
 * `unsupported-compression`. Decompression errors become `invalid-tar`.
 */
export function decompressAuto(input: Readable | AsyncIterable<Uint8Array>, what: string): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    const it = (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    let head = Buffer.alloc(0);
    let done = false;
    while (head.byteLength < 6) {
      const next = await it.next();
      if (next.done) {
        done = true;
        break;
      }
      head = Buffer.concat([head, Buffer.from(next.value)]);
    }
    const kind = sniffCompression(head);
    if (kind === "bzip2" || kind === "xz") throw new KilnError("unsupported-compression", `${what}: ${kind}-compressed archives are not supported; decompress it first or use gzip`);
    async function* rest(): AsyncGenerator<Buffer> {
      if (head.byteLength > 0) yield head;
      if (done) return;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield Buffer.from(next.value);
      }
    }
    if (kind === "none") {
      yield* rest();
      return;
    }
    let inflate: NodeJS.ReadWriteStream;
    if (kind === "gzip") inflate = zlib.createGunzip();
    else {
      const create = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
      if (!create) throw new KilnError("unsupported-compression", `${what}: zstd needs Node.js with zlib zstd support (22.15 or later); this is ${process.version}`);
      inflate = create();
    }
    const out = new PassThrough();
    pipeline(Readable.from(rest(), { objectMode: false }), inflate, out, () => {});
    try {
      for await (const chunk of out) yield chunk as Buffer;
    } catch (err) {
      if (err instanceof KilnError) throw err;
      throw new KilnError("invalid-tar", `${what}: the ${kind} data is corrupt or truncated (${(err as Error).message})`, { cause: err });
    }
  }
  return Readable.from(gen(), { objectMode: false });
}

/** A tar entry as read: tar-stream's header (PAX path/linkpath already applied) and its body. */
export interface ReadTarEntry {
  readonly header: tarStream.Header;
  readonly body: Readable;
}

function tarError(what: string, err: unknown): KilnError {
  if (err instanceof KilnError) return err;
  const message = (err as Error)?.message ?? String(err);
  const why = /Unexpected end of data/.test(message) ? "it is truncated" : /Invalid tar header/.test(message) ? "it is not a tar archive or is corrupt" : message;
  return new KilnError("invalid-tar", `${what}: ${why}`, { cause: err });
}

/**
 * Iterates the entries of an uncompressed tar. Each body must be consumed (or resumed) before
 * the next entry comes. An input with no entries at all is refused (`invalid-tar`).
 */
export async function* readTar(input: Readable | AsyncIterable<Uint8Array>, what: string): AsyncGenerator<ReadTarEntry> {
  const extract = tarStream.extract();
  const source = input instanceof Readable ? input : Readable.from(input, { objectMode: false });
  let sourceError: unknown;
  source.on("error", (err) => {
    sourceError = err;
    extract.destroy(err);
  });
  source.pipe(extract);
  let count = 0;
  try {
    for await (const entry of extract) {
      count++;
      yield { header: entry.header, body: entry as unknown as Readable };
      (entry as unknown as Readable).resume();
    }
  } catch (err) {
    throw tarError(what, sourceError ?? err);
  }
  if (sourceError) throw tarError(what, sourceError);
  if (count === 0) throw new KilnError("invalid-tar", `${what}: the archive is empty (no tar entries)`);
}

/**
 * A member name made relative and clean: leading `/` and `./` dropped, `.` components removed,
 * `a/../b` resolved. Undefined for the root itself. Throws `unsafe-tar-path` for names that
 * climb above the root, and for NUL bytes.
 */
export function safeMemberPath(name: string, what: string): string | undefined {
  if (name.includes("\0")) throw new KilnError("unsafe-tar-path", `${what}: member name ${JSON.stringify(name)} contains a NUL byte`);
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) throw new KilnError("unsafe-tar-path", `${what}: member ${JSON.stringify(name)} escapes the root with '..'`);
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join("/");
}

const TYPE_BITS: Record<string, number> = {
  file: 0o100000,
  "contiguous-file": 0o100000,
  link: 0o100000,
  symlink: 0o120000,
  directory: 0o040000,
  "character-device": 0o020000,
  "block-device": 0o060000,
  fifo: 0o010000,
};

type PackHeader = Partial<tarStream.Header> & { name: string; pax?: Record<string, string> };

/**
 * Streams `input` (plain or compressed tar, detected by content) out as a plain tar with the
 * same entries in the same order, content, modes, owners and times, but safe names: absolute
 * and `./` names made relative, `..` refused when it climbs out, the root entry dropped, hard
 * link targets treated alike. Corrupt or truncated input fails the returned stream.
 */
export function sanitizeLayerTar(input: Readable | AsyncIterable<Uint8Array>, what: string): Readable {
  const plain = decompressAuto(input, what);
  async function* gen(): AsyncGenerator<Buffer> {
    const pack = tarStream.pack();
    const feeding = (async () => {
      for await (const { header, body } of readTar(plain, what)) {
        const type = header.type === "contiguous-file" ? "file" : header.type;
        if (!(type in TYPE_BITS)) throw new KilnError("invalid-tar", `${what}: member ${JSON.stringify(header.name)} has unsupported type ${JSON.stringify(header.type)}`);
        const name = safeMemberPath(header.name, what);
        if (name === undefined) {
          body.resume();
          continue; // the root directory itself
        }
        const out: PackHeader = {
          name,
          type: type as tarStream.Header["type"],
          mode: ((header.mode ?? 0) & 0o7777) | TYPE_BITS[type]!,
          uid: header.uid ?? 0,
          gid: header.gid ?? 0,
          size: type === "file" ? header.size ?? 0 : 0,
          mtime: header.mtime ?? new Date(0),
          uname: header.uname ?? "",
          gname: header.gname ?? "",
        };
        if (type === "link") {
          const target = safeMemberPath(header.linkname ?? "", what);
          if (target === undefined) throw new KilnError("unsafe-tar-path", `${what}: hard link ${JSON.stringify(header.name)} points at the root`);
          out.linkname = target;
        } else if (type === "symlink") {
          out.linkname = header.linkname ?? "";
        }
        if (type === "character-device" || type === "block-device") {
          out.devmajor = header.devmajor ?? 0;
          out.devminor = header.devminor ?? 0;
        }
        const pax: Record<string, string> = {};
        for (const [k, v] of Object.entries(header.pax ?? {})) if (!["path", "linkpath", "size", "uid", "gid", "mtime", "uname", "gname"].includes(k)) pax[k] = v;
        if (out.uid! > MAX_USTAR_ID) {
          pax.uid = String(out.uid);
          out.uid = MAX_USTAR_ID;
        }
        if (out.gid! > MAX_USTAR_ID) {
          pax.gid = String(out.gid);
          out.gid = MAX_USTAR_ID;
        }
        if (Object.keys(pax).length > 0) out.pax = pax;
        await new Promise<void>((resolve, reject) => {
          const sink = pack.entry(out, (err?: Error | null) => (err ? reject(err) : resolve()));
          if (type !== "file") {
            body.resume();
            return;
          }
          pipeline(body, sink, (err) => {
            if (err) reject(err);
          });
        });
      }
      pack.finalize();
    })();
    feeding.catch((err: unknown) => pack.destroy(err as Error));
    let complete = false;
    try {
      for await (const chunk of pack) yield chunk as Buffer;
      await feeding;
      complete = true;
    } catch (err) {
      // the pack fails with the feeder's error; report that one
      await feeding.catch((e: unknown) => {
        throw tarError(what, e);
      });
      throw tarError(what, err);
    } finally {
      if (!complete) pack.destroy();
    }
  }
  return Readable.from(gen(), { objectMode: false });
}
