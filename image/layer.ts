/**
 * Layers (principle 5): a small lazy value that knows its digests and size and can open its
 * bytes any number of times. Words follow the OCI spec: `digest` and `size` describe the blob
 * as stored or sent (compressed when its media type says so); `diffId` is the digest of the
 * uncompressed tar.
 */
import { PassThrough, Readable, pipeline } from "node:stream";
import { zlib } from "../util/lazy-builtins.js";
import { KilnError } from "../util/errors.js";
import { DigestHasher, DigestTransform, digestOf, type Digest } from "./digest.js";
import { classifyMediaType, MediaType, type Compression } from "./media-types.js";
import type { Descriptor, StringMap } from "./types.js";

export interface Layer {
  /** Digest of the blob (compressed, if its media type is). */
  readonly digest: Digest;
  /** Digest of the uncompressed tar: what the config's rootfs.diff_ids lists. */
  readonly diffId: Digest;
  /** Size of the blob in bytes. */
  readonly size: number;
  readonly mediaType: string;
  /** Where a foreign / non-distributable layer can be fetched. */
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<StringMap>;
  /** A new stream of the blob's bytes on every call. */
  open(): Promise<Readable>;
}

/** Opens a stream; called again for every read. */
export type Opener = () => Readable | Promise<Readable>;

function compressionOf(mediaType: string): Compression {
  const info = classifyMediaType(mediaType);
  if (info.kind !== "layer") throw new KilnError("not-a-layer", `media type ${JSON.stringify(mediaType)} is not a layer media type`);
  return info.compression;
}

type ZstdZlib = { createZstdDecompress?: () => NodeJS.ReadWriteStream; zstdDecompressSync?: (b: Uint8Array) => Buffer };

function zstdUnavailable(): KilnError {
  return new KilnError("unsupported-compression", `zstd layers need Node.js with zlib zstd support (22.15 or later); this is ${process.version}`);
}

function decompressor(compression: Compression): NodeJS.ReadWriteStream | undefined {
  switch (compression) {
    case "none":
      return undefined;
    case "gzip":
      return zlib().createGunzip();
    case "zstd": {
      const create = (zlib() as unknown as ZstdZlib).createZstdDecompress;
      if (!create) throw zstdUnavailable();
      return create();
    }
  }
}

/**
 * The layer's uncompressed tar, whatever its media type's compression. A compressed layer's tar
 * is checked against its diff_id (the stream fails at its end with `digest-mismatch`): a pulled
 * layer's diff_id is verified where it is read, not at pull time.
 */
export async function openUncompressed(layer: Layer): Promise<Readable> {
  const inflate = decompressor(compressionOf(layer.mediaType));
  const blob = await layer.open();
  if (!inflate) return blob;
  const out = new PassThrough();
  const check = new DigestTransform({ expect: { digest: layer.diffId, what: `the uncompressed layer ${layer.digest} (its diff_id)` } });
  pipeline(blob, inflate, check, out, () => {}); // errors reach `out`, which pipeline destroys with them
  return out;
}

/** The descriptor a manifest lists for this layer (media type as the layer states it). */
export function layerDescriptor(layer: Layer): Descriptor {
  const d: Descriptor = { mediaType: layer.mediaType, digest: layer.digest, size: layer.size };
  if (layer.urls && layer.urls.length > 0) d.urls = [...layer.urls];
  if (layer.annotations && Object.keys(layer.annotations).length > 0) d.annotations = { ...layer.annotations };
  return d;
}

export interface LayerOptions {
  /** Default: the uncompressed OCI layer type (the local store keeps layers uncompressed). */
  mediaType?: string;
  urls?: readonly string[];
  annotations?: Readonly<StringMap>;
}

class StaticLayer implements Layer {
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<StringMap>;
  constructor(
    readonly digest: Digest,
    readonly diffId: Digest,
    readonly size: number,
    readonly mediaType: string,
    private readonly opener: Opener,
    options: LayerOptions,
  ) {
    if (options.urls) this.urls = Object.freeze([...options.urls]);
    if (options.annotations) this.annotations = Object.freeze({ ...options.annotations });
    Object.freeze(this);
  }

  async open(): Promise<Readable> {
    return this.opener();
  }
}

/** A layer held in memory (tests, tiny layers). For gzip the diffId is computed; zstd needs Node zstd support. */
export function layerFromBytes(data: Uint8Array, options: LayerOptions & { diffId?: Digest } = {}): Layer {
  const mediaType = options.mediaType ?? MediaType.OciLayer;
  const bytes = Buffer.from(data); // our own copy: later changes to `data` cannot change the layer
  const digest = digestOf(bytes);
  let diffId = options.diffId;
  if (diffId === undefined) {
    const compression = compressionOf(mediaType);
    if (compression === "none") diffId = digest;
    else if (compression === "gzip") diffId = digestOf(zlib().gunzipSync(bytes));
    else {
      const sync = (zlib() as unknown as ZstdZlib).zstdDecompressSync;
      if (!sync) throw zstdUnavailable();
      diffId = digestOf(sync(bytes));
    }
  }
  return new StaticLayer(digest, diffId, bytes.byteLength, mediaType, () => Readable.from([bytes], { objectMode: false }), options);
}

export interface OpenerLayerOptions extends LayerOptions {
  /** When digest, size (and diffId, for compressed types) are all given, nothing is read. */
  digest?: Digest;
  size?: number;
  diffId?: Digest;
}

/**
 * A layer read through `open`. Unknown digests are computed by reading the blob once
 * (decompressing in the same pass to find the diffId). Given ones are trusted: the store
 * verifies blobs when it reads them.
 */
export async function layerFromOpener(open: Opener, options: OpenerLayerOptions = {}): Promise<Layer> {
  const mediaType = options.mediaType ?? MediaType.OciLayer;
  const compression = compressionOf(mediaType);
  let { digest, size, diffId } = options;
  if (compression === "none" && diffId === undefined) diffId = digest;
  if (compression === "none" && digest === undefined) digest = diffId;
  if (digest === undefined || size === undefined || diffId === undefined) {
    const measured = await measure(await open(), diffId === undefined ? compression : "none");
    digest ??= measured.digest;
    size ??= measured.size;
    diffId ??= measured.diffId ?? digest;
    if (measured.digest !== digest || measured.size !== size) {
      throw new KilnError("digest-mismatch", `layer: given ${options.digest ?? "?"} (${options.size ?? "?"} bytes), read ${measured.digest} (${measured.size} bytes)`);
    }
  }
  return new StaticLayer(digest, diffId, size, mediaType, open, options);
}

/** Hashes a blob, and when compressed also its decompressed bytes, in one read. */
async function measure(blob: Readable, compression: Compression): Promise<{ digest: Digest; size: number; diffId?: Digest }> {
  const outer = new DigestHasher();
  const inflate = decompressor(compression);
  if (!inflate) {
    for await (const chunk of blob) outer.update(chunk as Buffer);
    return { digest: outer.digest(), size: outer.size };
  }
  const inner = new DigestHasher();
  const counted = new PassThrough();
  counted.on("data", (chunk: Buffer) => outer.update(chunk));
  const done = new Promise<void>((resolve, reject) => {
    const sink = async function* (source: AsyncIterable<Buffer | string>) {
      for await (const chunk of source) inner.update(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    };
    pipeline(blob, counted, inflate, sink, (err: NodeJS.ErrnoException | null) => (err ? reject(err) : resolve()));
  });
  await done;
  return { digest: outer.digest(), size: outer.size, diffId: inner.digest() };
}
