/**
 * Preparing layer blobs for writers: a layer as its uncompressed tar (docker-archive) or in a
 * chosen compression (OCI), with size and digests known before a tar header is written. When
 * the layer already is in the wanted form its blob is streamed as is (and verified on the way);
 * otherwise it is transcoded into a spool file, since a tar header needs the size up front.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, rename, rm } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable, Transform } from "node:stream";
import { KilnError } from "../../util/errors.js";
import { DigestTransform, type Digest } from "../digest.js";
import type { Layer } from "../layer.js";
import type { Compression } from "../media-types.js";
import { compressor, decompressor, DEFAULT_GZIP_LEVEL } from "./compression.js";
import { compressionOf } from "./image-parts.js";

/** A blob ready to be written: its digest and size are final. */
export interface PreparedBlob {
  readonly digest: Digest;
  readonly size: number;
  readonly diffId: Digest;
  readonly compression: Compression;
  /** The layer's original media type (for distributability); writers re-state the compression. */
  readonly sourceMediaType: string;
  /** True when the bytes are the source layer's blob unchanged. */
  readonly unchanged: boolean;
  /** True when the blob is a copy the caller already had (WriteOciLayoutOptions.reuse). */
  readonly reused?: boolean;
  open(): Promise<Readable>;
}

/** The source layer's blob, verified against its digest and size while it streams. */
export async function openVerified(layer: Layer): Promise<Readable> {
  const blob = await layer.open();
  const check = new DigestTransform({ expect: { digest: layer.digest, size: layer.size, what: `layer ${layer.digest}` } });
  blob.on("error", (err) => check.destroy(err));
  return blob.pipe(check);
}

/** A private spool directory, removed by `cleanup()`. */
export class Spool {
  private dir: Promise<string> | undefined;
  private n = 0;
  constructor(private readonly parent: string = tmpdir()) {}
  async file(): Promise<string> {
    this.dir ??= mkdtemp(join(this.parent, "kiln-spool-"));
    const n = this.n++;
    return join(await this.dir, String(n));
  }
  async cleanup(): Promise<void> {
    const dir = this.dir;
    this.dir = undefined;
    if (dir) await rm(await dir, { recursive: true, force: true });
  }
}

export interface TranscodeOptions {
  compression: Compression;
  level?: number;
  /** fsync the file before it is renamed into place (blobs of a layout; spool files need not). */
  sync?: boolean;
}

/**
 * Streams `layer` into `file` in `compression`, verifying the source blob's digest and the
 * uncompressed tar's diffId on the way; returns the new blob's digest and size.
 */
export async function transcodeTo(layer: Layer, file: string, options: TranscodeOptions): Promise<{ digest: Digest; size: number }> {
  const from = compressionOf(layer.mediaType);
  const steps: (Readable | Transform | NodeJS.WritableStream)[] = [await openVerified(layer)];
  const inflate = decompressor(from);
  if (inflate) {
    steps.push(inflate);
    steps.push(new DigestTransform({ expect: { digest: layer.diffId, what: `layer ${layer.digest} (uncompressed)` } }));
  } else if (layer.digest !== layer.diffId) {
    // an uncompressed blob is its own tar: the source check above covers the diffId
    throw new KilnError("digest-mismatch", `uncompressed layer ${layer.digest} claims diffId ${layer.diffId}`);
  }
  const deflate = compressor(options.compression, options.level ?? DEFAULT_GZIP_LEVEL);
  if (deflate) steps.push(deflate);
  const out = new DigestTransform();
  steps.push(out);
  const tmp = `${file}.partial`;
  const ws = createWriteStream(tmp, { highWaterMark: 1 << 20 });
  steps.push(ws);
  try {
    await pipeline(steps as unknown as [Readable, ...Transform[], NodeJS.WritableStream]);
    if (options.sync) {
      const fh = await open(tmp, "r+");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await rename(tmp, file);
  return { digest: out.digest, size: out.size };
}

/**
 * The layer as a blob in `compression`: the layer's own blob when it already is, else a
 * transcoded spool file.
 */
export async function prepareLayerBlob(layer: Layer, spool: Spool, options: TranscodeOptions): Promise<PreparedBlob> {
  const from = compressionOf(layer.mediaType);
  if (from === options.compression) {
    return {
      digest: layer.digest,
      size: layer.size,
      diffId: layer.diffId,
      compression: from,
      sourceMediaType: layer.mediaType,
      unchanged: true,
      open: () => openVerified(layer),
    };
  }
  const file = await spool.file();
  const { digest, size } = await transcodeTo(layer, file, options);
  return {
    digest,
    size,
    diffId: layer.diffId,
    compression: options.compression,
    sourceMediaType: layer.mediaType,
    unchanged: false,
    open: async () => createReadStream(file, { highWaterMark: 1 << 20 }),
  };
}


/** How many layers are transcoded at once: zlib runs on libuv's thread pool (4 threads by default). */
export function transcodeConcurrency(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * Prepares each distinct layer (by digest) once, up to `limit` at a time; results in input order.
 * The first failure stops new work and is thrown after running work settles.
 */
export async function prepareAll(layers: readonly Layer[], prepare: (layer: Layer) => Promise<PreparedBlob>, limit = transcodeConcurrency()): Promise<Map<Digest, PreparedBlob>> {
  const distinct = [...new Map(layers.map((l) => [l.digest, l])).values()];
  const out = new Map<Digest, PreparedBlob>();
  let next = 0;
  let failed: { err: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < distinct.length) {
      const layer = distinct[next++]!;
      try {
        out.set(layer.digest, await prepare(layer));
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, distinct.length) }, worker));
  if (failed) throw failed.err;
  return out;
}
