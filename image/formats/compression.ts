/**
 * Compression for archives and layers: detection by content (magic bytes), streaming
 * compressors and decompressors, and the zstd check (Node.js 20 has no zstd in zlib).
 */
import { Readable, Transform, type TransformCallback } from "node:stream";
import type * as zlibTypes from "node:zlib";
import { zlib } from "../../util/lazy-builtins.js";
import { KilnError } from "../../util/errors.js";
import type { Compression } from "../media-types.js";
import { deflateAddon, gzipMember, type DeflateAddon } from "./native-gzip.js";

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** What the first bytes of a stream say it is compressed with. */
export function detectCompression(head: Uint8Array): Compression {
  if (head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return "gzip";
  if (head.length >= 4 && ZSTD_MAGIC.every((b, i) => head[i] === b)) return "zstd";
  return "none";
}

type ZstdZlib = { createZstdCompress?: (o?: object) => Transform; createZstdDecompress?: () => Transform };

export function zstdAvailable(): boolean {
  const z = zlib() as unknown as ZstdZlib;
  return typeof z.createZstdCompress === "function" && typeof z.createZstdDecompress === "function";
}

/** Throws KilnError `unsupported-compression` when this Node.js cannot do `compression`. */
export function requireCompression(compression: Compression, what = "zstd compression"): void {
  if (compression === "zstd" && !zstdAvailable()) {
    throw new KilnError(
      "unsupported-compression",
      `${what} needs Node.js with zlib zstd support (22.15 or later); this is ${process.version}. Use gzip or none`,
    );
  }
}

/**
 * The default gzip level for exported layers. zlib's level 4 is the fastest of its "lazy
 * matching" levels: on real files (bench/image.ts) its output is about 2% larger than level 6
 * and still smaller than what skopeo's default (Go pgzip) writes, at about twice level 6's speed.
 * Callers wanting smaller blobs pass `level` (1–9).
 */
export const DEFAULT_GZIP_LEVEL = 4;

/**
 * A compressing transform, or undefined for `none`. gzip output is deterministic (mtime 0, no
 * name): `MemberGzip` (libdeflate) where the addon was built, else `ParallelGzip` (zlib).
 */
export function compressor(compression: Compression, level = DEFAULT_GZIP_LEVEL): Transform | undefined {
  switch (compression) {
    case "none":
      return undefined;
    case "gzip": {
      const addon = deflateAddon();
      return addon ? new MemberGzip(addon, level) : new ParallelGzip(level);
    }
    case "zstd":
      requireCompression("zstd");
      return (zlib() as unknown as ZstdZlib).createZstdCompress!();
  }
}

/**
 * Which gzip `compressor` makes here, as a name for docs and tests: the two write different
 * bytes for the same tar, so a layer's gzip digest is reproducible between machines that use
 * the same one (libdeflate: of the same version).
 */
export function gzipBackend(): string {
  const addon = deflateAddon();
  return addon ? `libdeflate ${addon.version}` : `zlib ${process.versions.zlib}`;
}

/** Input block size of the parallel gzips: part of the output format (changing it changes digests). */
export const GZIP_BLOCK_SIZE = 1024 * 1024;
/**
 * zlib's memLevel for ParallelGzip (also part of the output format): 9, a hash table twice the
 * default's, finds matches with fewer collisions. On the 509 MB bench image at level 4, single-
 * threaded, 1 MiB blocks with dictionaries: 5–12% less CPU in three sets of alternating runs
 * (medians 8.56 → 7.55 s in the last) for 0.3% more bytes (195.3 → 195.9 MB; skopeo's pgzip
 * writes 197.3 MB of the same layers). An earlier run on the 322 MB layer alone saw no gain.
 */
const GZIP_MEM_LEVEL = 9;
const WINDOW = 32 * 1024;
/**
 * Blocks compressed or waiting for the thread pool at once: libuv's default pool size (4), on any
 * number of cores. With one per core (2 here) a core sat idle whenever the main thread was late
 * handing over the next block: a 509 MB push with its biggest layer compressing alone took a
 * median 8.3 s with 2 in flight, 7.8 s with 3 and 7.5 s with 4 (four alternating runs each).
 */
const GZIP_IN_FLIGHT = 4;
const deflateRaw = (data: Buffer, options: zlibTypes.ZlibOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => zlib().deflateRaw(data, options, (err, out) => (err ? reject(err) : resolve(out))));

/**
 * Compression on every core, as pigz and Go's pgzip do: the input is cut into fixed 1 MiB
 * blocks, each compressed on libuv's thread pool, the results written in order. What a block
 * becomes, and what goes before and after them all, is the subclass's.
 */
abstract class BlockCompressor extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private blocks = 0;
  private readonly inFlight: Promise<Buffer>[] = [];
  private started = false;

  constructor(private readonly maxInFlight: number) {
    super({ highWaterMark: GZIP_BLOCK_SIZE });
  }

  /** Whether empty input is compressed as one empty block (else only head and tail are written). */
  protected readonly emptyInputIsABlock: boolean = false;
  /** Starts compressing the next block (in order); the promise gives its output. */
  protected abstract compressBlock(block: Buffer): Promise<Buffer>;
  /** Bytes before the first block's output. */
  protected head(): Buffer | undefined {
    return undefined;
  }
  /** Bytes after the last block's output. */
  protected tail(): Buffer | undefined {
    return undefined;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    const head = this.head();
    if (head) this.push(head);
  }

  private schedule(block: Buffer): void {
    this.blocks++;
    const job = this.compressBlock(block);
    job.catch(() => {});
    this.inFlight.push(job);
  }

  /** Pushes finished blocks in order while more than `keep` are in flight. */
  private async drain(keep: number): Promise<void> {
    while (this.inFlight.length > keep) this.push(await this.inFlight.shift()!);
  }

  private takeBlock(): Buffer {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const block = all.subarray(0, GZIP_BLOCK_SIZE);
    const rest = all.subarray(GZIP_BLOCK_SIZE);
    this.pending = rest.byteLength > 0 ? [rest] : [];
    this.pendingBytes = rest.byteLength;
    return block;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.start();
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes < GZIP_BLOCK_SIZE) {
      callback();
      return;
    }
    (async () => {
      while (this.pendingBytes >= GZIP_BLOCK_SIZE) {
        this.schedule(this.takeBlock());
        await this.drain(this.maxInFlight - 1);
      }
    })().then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    this.start();
    (async () => {
      if (this.pendingBytes > 0 || (this.blocks === 0 && this.emptyInputIsABlock)) this.schedule(this.takeBlock());
      await this.drain(0);
      const tail = this.tail();
      if (tail) this.push(tail);
    })().then(() => callback(), callback);
  }
}

/**
 * zlib's gzip in parallel: each block is deflated with the previous block's last 32 KiB as
 * dictionary and ended with a sync flush, so the pieces concatenate into one ordinary deflate
 * stream (one gzip member). The output depends only on the input bytes and the level, never on
 * how the input was chunked or on timing: layer digests stay reproducible.
 */
export class ParallelGzip extends BlockCompressor {
  private previousTail: Buffer | undefined;
  private crc = 0;
  private length = 0;

  constructor(private readonly level = DEFAULT_GZIP_LEVEL, parallelism = GZIP_IN_FLIGHT) {
    super(parallelism);
  }

  protected override head(): Buffer {
    // magic, deflate, no flags, mtime 0, xfl 0, OS 3 (Unix): what zlib's gzip writes
    return Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  }

  protected override compressBlock(block: Buffer): Promise<Buffer> {
    this.crc = zlib().crc32(block, this.crc);
    this.length += block.byteLength;
    // an output buffer bigger than any block's deflate bound: one thread-pool job per block, not
    // one per 16 KiB of output (the bytes are the same: deflate's output ignores buffer sizes)
    const options: zlibTypes.ZlibOptions = { level: this.level, memLevel: GZIP_MEM_LEVEL, finishFlush: zlib().constants.Z_SYNC_FLUSH, chunkSize: GZIP_BLOCK_SIZE + 64 * 1024 };
    if (this.previousTail) options.dictionary = this.previousTail;
    this.previousTail = Buffer.from(block.subarray(Math.max(0, block.byteLength - WINDOW)));
    return deflateRaw(block, options);
  }

  protected override tail(): Buffer {
    const trailer = Buffer.alloc(10);
    trailer[0] = 0x03; // an empty final block ends the deflate stream
    trailer.writeUInt32LE(this.crc >>> 0, 2);
    trailer.writeUInt32LE(this.length % 2 ** 32, 6);
    return trailer;
  }
}

/**
 * libdeflate's gzip in parallel: each block becomes one complete gzip member (libdeflate has no
 * streaming and no preset dictionary), and the members are concatenated, which RFC 1952 allows
 * and every gzip reader reads (Go's, zlib's, GNU gzip; eStargz layers are built the same way).
 * 18 bytes of header and trailer per MiB; each block is compressed without the previous one's
 * window, which costs less than libdeflate saves over zlib. Deterministic like ParallelGzip, for
 * a given libdeflate version.
 */
export class MemberGzip extends BlockCompressor {
  protected override readonly emptyInputIsABlock = true; // an empty member: gzip of nothing

  constructor(
    private readonly addon: DeflateAddon,
    private readonly level = DEFAULT_GZIP_LEVEL,
    parallelism = GZIP_IN_FLIGHT,
  ) {
    super(parallelism);
  }

  protected override compressBlock(block: Buffer): Promise<Buffer> {
    return gzipMember(this.addon, block, this.level);
  }
}

export function decompressor(compression: Compression): Transform | undefined {
  switch (compression) {
    case "none":
      return undefined;
    case "gzip":
      return zlib().createGunzip({ chunkSize: 256 * 1024 });
    case "zstd":
      requireCompression("zstd", "reading zstd content");
      return (zlib() as unknown as ZstdZlib).createZstdDecompress!();
  }
}

/**
 * Reads the first `n` bytes of a stream (fewer at its end) and returns them with a stream of
 * the whole content, head included, so a format can be detected without seeking.
 */
export async function peek(input: Readable | AsyncIterable<Uint8Array>, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = (input as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < n) {
    const r = await it.next();
    if (r.done) {
      ended = true;
      break;
    }
    const buf = typeof r.value === "string" ? Buffer.from(r.value) : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    chunks.push(buf);
    length += buf.byteLength;
  }
  const head = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield typeof r.value === "string" ? Buffer.from(r.value) : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    }
  }
  return { head: head.subarray(0, n), stream: Readable.from(rest(), { objectMode: false, highWaterMark: 1 << 20 }) };
}
