/**
 * Compression for archives and layers: detection by content (magic bytes), streaming
 * compressors and decompressors, and the zstd check (Node.js 20 has no zstd in zlib).
 */
import { Readable, type Transform } from "node:stream";
import * as zlib from "node:zlib";
import { KilnError } from "../../util/errors.js";
import type { Compression } from "../media-types.js";

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
  const z = zlib as unknown as ZstdZlib;
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

/** The default gzip level for exported layers (zlib's default, as Docker and containerd use). */
export const DEFAULT_GZIP_LEVEL = 6;

/** A compressing transform, or undefined for `none`. gzip output is deterministic (mtime 0, no name). */
export function compressor(compression: Compression, level = DEFAULT_GZIP_LEVEL): Transform | undefined {
  switch (compression) {
    case "none":
      return undefined;
    case "gzip":
      return zlib.createGzip({ level, chunkSize: 256 * 1024 });
    case "zstd":
      requireCompression("zstd");
      return (zlib as unknown as ZstdZlib).createZstdCompress!();
  }
}

export function decompressor(compression: Compression): Transform | undefined {
  switch (compression) {
    case "none":
      return undefined;
    case "gzip":
      return zlib.createGunzip({ chunkSize: 256 * 1024 });
    case "zstd":
      requireCompression("zstd", "reading zstd content");
      return (zlib as unknown as ZstdZlib).createZstdDecompress!();
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
