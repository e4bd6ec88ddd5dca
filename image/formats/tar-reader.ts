/**
 * A tar reader that never seeks (principle: stdin and pipes are first-class inputs). A
 * docker-archive or OCI tar may list `manifest.json` after the blobs it names, so every file is
 * kept until the whole archive has been read: small ones in memory, the others spooled to a
 * private directory under the caller's `tmpDir`. While a file streams past it is hashed; a
 * `blobs/<alg>/<hex>` file whose bytes do not hash to its name is refused at once
 * (`digest-mismatch` naming it). Files that start with gzip magic and are not named by digest
 * (classic `<id>/layer.tar`) are also decompressed in the same pass to learn their diffId.
 *
 * The archive itself may be gzip-compressed (detected by content). Truncated or corrupt input
 * gives `archive-corrupt`. On any error the spool directory is removed before the error is thrown.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { join, posix } from "node:path";
import { PassThrough, pipeline, Readable, type Transform } from "node:stream";
import * as zlib from "node:zlib";
import tarStream from "tar-stream";
import { DigestHasher, DigestTransform, type Digest, type DigestAlgorithm } from "../digest.js";
import type { Compression } from "../media-types.js";
import { archiveCorrupt, asArchiveError, digestMismatch } from "./errors.js";
import { detectCompression, peek, requireCompression } from "./compression.js";
import type { BlobSource } from "./image-parts.js";

/** Files up to this size stay in memory (within MEMORY_BUDGET); larger ones are spooled. */
const MEMORY_FILE_LIMIT = 256 * 1024;
const MEMORY_BUDGET = 32 * 1024 * 1024;
const BLOB_NAME = /^blobs\/(sha256|sha512)\/([a-f0-9]+)$/;

export interface SpooledFile {
  readonly path: string;
  readonly size: number;
  /** Digest of the bytes as stored (sha256, or the algorithm the `blobs/<alg>/` path names). */
  readonly digest: Digest;
  /** What the first bytes say. */
  readonly compression: Compression;
  /** sha256 of the decompressed bytes, for gzip files not named by digest. */
  readonly diffId: Digest | undefined;
  readonly bytes: Buffer | undefined;
  readonly file: string | undefined;
}

export interface SpooledArchive extends BlobSource {
  /** Every regular file, by normalised path. */
  readonly files: ReadonlyMap<string, SpooledFile>;
  /** Symbolic and hard links, by normalised path, to the normalised path they point at. */
  readonly links: ReadonlyMap<string, string>;
  /** Removes the spool directory; the source cannot be read afterwards. Idempotent. */
  cleanup(): Promise<void>;
}

export interface SpoolOptions {
  /** Where the private spool directory is created. */
  tmpDir: string;
  /** Names the input in messages (`archive image.tar`). */
  where?: string;
}

/** Archive paths as readers compare them: no leading `./` or `/`, no trailing `/`; undefined if it escapes. */
export function normalizeArchivePath(path: string): string | undefined {
  const n = posix.normalize(`/${path}`).slice(1).replace(/\/+$/, "");
  if (n.startsWith("..")) return undefined;
  return n;
}

async function writeChunk(out: WriteStream | Transform, chunk: Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, "drain");
}

/** Hashes (and maybe inflates) one entry's body, keeping it in memory or in `file`. */
async function spoolEntry(
  entry: AsyncIterable<Buffer>,
  path: string,
  size: number,
  file: string,
  inMemory: boolean,
): Promise<SpooledFile> {
  const named = BLOB_NAME.exec(path);
  const hasher = new DigestHasher((named?.[1] ?? "sha256") as DigestAlgorithm);
  const chunks: Buffer[] = [];
  let out: WriteStream | undefined;
  let head: Buffer | undefined = Buffer.alloc(0);
  let compression: Compression = "none";
  let inflate: Transform | undefined;
  let inner: DigestHasher | undefined;
  let inflated: Promise<void> | undefined;
  const start = (first: Buffer) => {
    compression = detectCompression(first);
    if (compression === "gzip" && !named) {
      inner = new DigestHasher();
      const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
      const h = inner;
      gunzip.on("data", (c: Buffer) => h.update(c));
      inflated = new Promise<void>((resolve, reject) => {
        gunzip.once("end", resolve);
        gunzip.once("error", reject);
      });
      inflated.catch(() => {});
      inflate = gunzip;
    }
  };
  try {
    if (!inMemory) {
      out = createWriteStream(file, { highWaterMark: 1 << 20 });
      out.on("error", () => {});
    }
    for await (const c of entry) {
      const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c);
      hasher.update(chunk);
      if (head !== undefined) {
        head = Buffer.concat([head, chunk]);
        if (head.length >= 4) {
          start(head);
          if (inflate) await writeChunk(inflate, head); // everything so far
          head = undefined;
        }
      } else if (inflate) {
        await writeChunk(inflate, chunk);
      }
      if (inMemory) chunks.push(chunk);
      else await writeChunk(out!, chunk);
    }
    if (head !== undefined) {
      start(head); // shorter than 4 bytes
      if (inflate) await writeChunk(inflate, head);
    }
    if (inflate) {
      inflate.end();
      try {
        await inflated;
      } catch (err) {
        throw archiveCorrupt(`${path}: bad gzip data: ${(err as Error).message}`, { entry: path, cause: err });
      }
    }
    if (out) {
      out.end();
      await once(out, "finish");
    }
  } catch (err) {
    out?.destroy();
    inflate?.destroy();
    throw err;
  }
  if (hasher.size !== size) throw archiveCorrupt(`${path}: expected ${size} bytes, got ${hasher.size} (truncated archive?)`, { entry: path });
  const digest = hasher.digest();
  if (named && digest !== `${named[1]}:${named[2]}`) throw digestMismatch(path, `${named[1]}:${named[2]}`, digest);
  return {
    path,
    size,
    digest,
    compression,
    diffId: inner?.digest(),
    bytes: inMemory ? Buffer.concat(chunks) : undefined,
    file: inMemory ? undefined : file,
  };
}

/**
 * Reads a whole tar (optionally gzip'ed) from `input`, hashing and keeping every file.
 * The caller must `cleanup()` the result.
 */
export async function spoolTar(input: Readable | AsyncIterable<Uint8Array>, options: SpoolOptions): Promise<SpooledArchive> {
  const where = options.where ?? "archive";
  const dir = await mkdtemp(join(options.tmpDir, "kiln-archive-"));
  const files = new Map<string, SpooledFile>();
  const links = new Map<string, string>();
  let extract: tarStream.Extract | undefined;
  let source: Readable | undefined;
  try {
    const { head, stream } = await peek(input, 512);
    source = stream;
    if (head.length === 0) throw archiveCorrupt(`${where} is empty`);
    const compression = detectCompression(head);
    requireCompression(compression, `${where} is zstd-compressed: reading it`);
    extract = tarStream.extract();
    const ex = extract;
    let failure: unknown;
    const fail = (err: unknown) => {
      failure ??= err;
      ex.destroy(err as Error);
    };
    if (compression === "gzip") {
      const gunzip = zlib.createGunzip({ chunkSize: 256 * 1024 });
      pipeline(stream, gunzip, new PassThrough(), (err) => {
        if (err) fail(err);
      }).pipe(ex as unknown as NodeJS.WritableStream);
    } else {
      stream.on("error", fail);
      stream.pipe(ex as unknown as NodeJS.WritableStream);
    }
    let memory = 0;
    let n = 0;
    try {
      for await (const entry of ex) {
        const header = entry.header;
        const path = normalizeArchivePath(header.name);
        if (path === undefined) throw archiveCorrupt(`${where}: entry ${JSON.stringify(header.name)} escapes the archive`, { entry: header.name });
        const body = entry as unknown as AsyncIterable<Buffer>;
        if (header.type === "file" || header.type === "contiguous-file") {
          const size = header.size ?? 0;
          const inMemory = size <= MEMORY_FILE_LIMIT && memory + size <= MEMORY_BUDGET;
          if (inMemory) memory += size;
          const previous = files.get(path);
          if (previous?.file) await rm(previous.file, { force: true });
          if (previous?.bytes) memory -= previous.size;
          links.delete(path);
          files.set(path, await spoolEntry(body, path, size, join(dir, String(n++)), inMemory));
        } else {
          if (header.type === "symlink" || header.type === "link") {
            const target = header.type === "symlink" && !header.linkname!.startsWith("/")
              ? normalizeArchivePath(posix.join(posix.dirname(path), header.linkname!))
              : normalizeArchivePath(header.linkname!);
            if (target !== undefined) links.set(path, target);
          }
          for await (const _ of body) void _; // drain
        }
      }
    } catch (err) {
      throw failure ?? err;
    }
    if (failure) throw failure;
  } catch (err) {
    extract?.destroy();
    source?.destroy();
    if (input instanceof Readable) input.destroy();
    await rm(dir, { recursive: true, force: true });
    throw asArchiveError(err, where);
  }
  return new Spooled(where, dir, files, links);
}

function sameAlgorithm(a: Digest, b: Digest): boolean {
  return a.slice(0, a.indexOf(":")) === b.slice(0, b.indexOf(":"));
}

class Spooled implements SpooledArchive {
  private removed = false;
  constructor(
    readonly where: string,
    private readonly dir: string,
    readonly files: ReadonlyMap<string, SpooledFile>,
    readonly links: ReadonlyMap<string, string>,
  ) {}

  /** The file at `path`, following links (at most 16). */
  lookup(path: string): SpooledFile | undefined {
    let p = normalizeArchivePath(path);
    for (let i = 0; p !== undefined && i < 16; i++) {
      const f = this.files.get(p);
      if (f) return f;
      p = this.links.get(p);
    }
    return undefined;
  }

  async size(path: string): Promise<number | undefined> {
    return this.lookup(path)?.size;
  }

  knownDigest(path: string): Digest | undefined {
    return this.lookup(path)?.digest;
  }

  knownDiffId(path: string): Digest | undefined {
    return this.lookup(path)?.diffId;
  }

  knownCompression(path: string): Compression | undefined {
    return this.lookup(path)?.compression;
  }

  private get(path: string, expect?: Digest): SpooledFile {
    if (this.removed) throw new Error(`${this.where}: read after cleanup()`);
    const f = this.lookup(path);
    if (!f) throw archiveCorrupt(`${this.where}: ${path} is not in the archive`, { entry: path });
    if (expect !== undefined && sameAlgorithm(expect, f.digest) && expect !== f.digest) throw digestMismatch(path, expect, f.digest);
    return f;
  }

  async read(path: string, expect?: Digest): Promise<Buffer> {
    const f = this.get(path, expect);
    if (f.bytes) return Buffer.from(f.bytes);
    const chunks: Buffer[] = [];
    for await (const c of createReadStream(f.file!)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  open(path: string, expect?: { digest: Digest; size: number }): Readable {
    const f = this.get(path, expect?.digest);
    if (f.bytes) return Readable.from([f.bytes], { objectMode: false });
    const s = createReadStream(f.file!, { highWaterMark: 1 << 20 });
    if (expect && !sameAlgorithm(expect.digest, f.digest)) {
      return s.pipe(new DigestTransform({ expect: { ...expect, what: `${this.where}: ${path}` } }));
    }
    return s;
  }

  async cleanup(): Promise<void> {
    this.removed = true;
    await rm(this.dir, { recursive: true, force: true });
  }
}
