/**
 * Pushing `Image`s and `ImageIndex`es: layers 4 at once (HEAD first: blobs the repository has are
 * skipped; blobs of another repository on the same registry are mounted), then the config, then
 * the manifest by tag or digest. Uncompressed store layers are gzip'ed through the store's
 * `compressLayer`, which remembers the result (principle 10), so a second push compresses nothing.
 */
import { PassThrough, Readable } from "node:stream";
import * as zlib from "node:zlib";
import {
  classifyMediaType,
  layerDescriptor,
  parseReference,
  type Compression,
  type Digest,
  type Image,
  type ImageIndex,
  type Index,
  type Layer,
  type Manifest,
  type Reference,
} from "../image/index.js";
import { parseJsonDocument, storeImage, type ImageRecord, type ImageStore } from "../cache/index.js";
import { KilnError } from "../util/errors.js";
import { assertRemote } from "./transport.js";
import type { RegistryClient } from "./client.js";
import { inPool, type ProgressListener, type TransferEvent } from "./progress.js";

export interface PushOptions {
  /** Compression of layers the store keeps uncompressed (default gzip). Compressed layers go as they are. */
  compression?: Exclude<Compression, "none">;
  /** Needed to compress uncompressed layers (and remember the result); without it they go uncompressed. */
  store?: ImageStore;
  onProgress?: ProgressListener;
  /** Layers uploaded at once (default 4). */
  concurrency?: number;
  /** Repository paths on the same registry to try cross-repository mounts from. */
  mountFrom?: readonly string[];
  /**
   * A layer compressed for the first time is uploaded while it is compressed (default true;
   * false: compress into the store, then upload the stored copy).
   */
  streamUploads?: boolean;
}

export interface PushResult {
  readonly reference: Reference;
  readonly digest: Digest;
  readonly size: number;
  readonly mediaType: string;
}

/** KilnError `unsupported-compression` unless this Node can write `compression`. */
export function requirePushCompression(compression: Compression): void {
  if (compression === "zstd" && typeof (zlib as unknown as { createZstdCompress?: unknown }).createZstdCompress !== "function") {
    throw new KilnError("unsupported-compression", `--compression zstd needs Node.js with zlib zstd support (22.15 or later); this is ${process.version}. Use --compression gzip`);
  }
}

/** True when `layer` is kept uncompressed and should be compressed on the way out. */
function wantsCompression(layer: Layer, options: PushOptions): boolean {
  const info = classifyMediaType(layer.mediaType);
  return info.kind === "layer" && info.compression === "none" && info.distributable && options.store !== undefined;
}

/**
 * Pushes one image to `reference` (by its tag, or by digest). Layers go `concurrency` at once,
 * each compressed (through the store, so the copy is remembered) right before its upload, so
 * compression of one layer overlaps the upload of another; the manifest names the compressed
 * layers and goes last.
 */
export async function pushImage(client: RegistryClient, image: Image, reference: string | Reference, options: PushOptions = {}): Promise<PushResult> {
  const ref = typeof reference === "string" ? parseReference(reference) : reference;
  assertRemote(ref.domain);
  const where = ref.familiarName();
  const emit = options.onProgress ?? (() => {});
  const compression = options.compression ?? "gzip";
  requirePushCompression(compression);
  emit({ kind: "start", ref });
  const raw = await image.rawManifest();
  const mediaType = await image.mediaType();
  const doc = parseJsonDocument<Manifest>(raw, `manifest of ${where}`);
  const layers = await image.layers();
  if (layers.length !== doc.layers.length) throw new KilnError("invalid-image", `${where}: image has ${layers.length} layers, its manifest ${doc.layers.length}`);
  for (const l of layers) emit({ kind: "blob", digest: l.digest, role: "layer", status: "preparing", total: l.size });
  const pushed: Layer[] = new Array(layers.length);
  const uploads = new Map<Digest, Promise<void>>();
  const compressing = new Map<Digest, Promise<Layer>>();
  await inPool(layers, options.concurrency ?? 4, async (original, i) => {
    let layer = original;
    const what = `layer ${i + 1} of ${layers.length} (${original.digest}) of ${where}`;
    if (wantsCompression(original, options)) {
      emit({ kind: "blob", digest: original.digest, role: "layer", status: "compressing", total: original.size });
      const store = options.store!;
      const streaming = compressing.get(original.diffId);
      if (streaming) {
        layer = await streaming; // the same layer twice in one image: compressed and uploaded once
      } else if (options.streamUploads !== false && !(await store.compressedBlob(original.diffId, compression))) {
        // compressed for the first time: the upload streams the bytes as they are made
        const job = compressAndUpload(client, ref, store, original, compression, options, what, emit);
        compressing.set(original.diffId, job);
        pushed[i] = await job;
        return;
      } else {
        layer = await store.compressLayer(original, compression);
      }
    }
    pushed[i] = layer;
    // the same layer twice in one image goes up once
    let upload = uploads.get(layer.digest);
    if (!upload) {
      upload = uploadLayer(client, ref, layer, original.digest, options, what, emit);
      uploads.set(layer.digest, upload);
    }
    await upload;
  });
  const changed = pushed.some((l, i) => l !== layers[i]);
  const manifest = changed ? Buffer.from(JSON.stringify({ ...doc, layers: doc.layers.map((d, i) => ({ ...d, ...layerDescriptor(pushed[i]!) })) })) : raw;
  const cfg = doc.config;
  const config = await image.rawConfig();
  await client.uploadBlob(ref, { digest: cfg.digest, size: cfg.size }, () => Readable.from([config]), { what: `config ${cfg.digest} of ${where}` });
  const digest = await client.putManifest(ref, manifest, mediaType);
  return { reference: ref, digest, size: manifest.byteLength, mediaType };
}

/**
 * Compresses `original` into the store and uploads the compressed bytes as they are made (no
 * second read of the blob, no wait for the whole layer); the digest goes with the final PUT as
 * soon as it is known, while the store's copy is fsynced and remembered.
 * When that upload fails, the stored copy is uploaded the ordinary way (HEAD, retries).
 */
async function compressAndUpload(
  client: RegistryClient,
  ref: Reference,
  store: ImageStore,
  original: Layer,
  compression: Exclude<Compression, "none">,
  options: PushOptions,
  what: string,
  emit: (e: TransferEvent) => void,
): Promise<Layer> {
  const body = new PassThrough();
  // the final PUT needs only the digest: it goes while the store makes its copy durable
  let hashed!: (digest: Digest) => void;
  const digest = new Promise<Digest>((resolve) => (hashed = resolve));
  const stored = store.compressLayer(original, compression, { copyTo: body, onDigest: (blob) => hashed(blob.digest) });
  stored.catch(() => {}); // awaited below
  let current = 0;
  let last = 0;
  const upload = client.uploadStreaming(ref, body, () => Promise.race([digest, stored.then((l) => l.digest)]), {
    what,
    onBytes: (n) => {
      current += n;
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        emit({ kind: "blob", digest: original.digest, role: "layer", status: "pushing", current });
      }
    },
  });
  const [sent] = await Promise.allSettled([upload]);
  const layer = await stored;
  if (sent.status === "fulfilled") emit({ kind: "blob", digest: original.digest, role: "layer", status: "pushed", total: layer.size });
  else await uploadLayer(client, ref, layer, original.digest, options, what, emit);
  return layer;
}

async function uploadLayer(
  client: RegistryClient,
  ref: Reference,
  layer: Layer,
  id: Digest,
  options: PushOptions,
  what: string,
  emit: (e: TransferEvent) => void,
): Promise<void> {
  let current = 0;
  let last = 0;
  const result = await client.uploadBlob(ref, { digest: layer.digest, size: layer.size }, () => layer.open(), {
    what,
    ...(options.mountFrom ? { mountFrom: options.mountFrom } : {}),
    onBytes: (n) => {
      current += n;
      const now = Date.now();
      if (now - last >= 100 || current === layer.size) {
        last = now;
        emit({ kind: "blob", digest: id, role: "layer", status: "pushing", current, total: layer.size });
      }
    },
  });
  emit({ kind: "blob", digest: id, role: "layer", status: result === "exists" ? "exists" : result === "mounted" ? "mounted" : "pushed", total: layer.size });
}

/** Pushes an index: every child by digest (as it is), then the index by tag or digest. */
export async function pushIndex(client: RegistryClient, index: ImageIndex, reference: string | Reference, options: PushOptions = {}): Promise<PushResult> {
  const ref = typeof reference === "string" ? parseReference(reference) : reference;
  const raw = await index.rawManifest();
  const doc = parseJsonDocument<Index>(raw, `index of ${ref.familiarName()}`);
  const childOptions: PushOptions = { ...options };
  delete childOptions.store; // children keep their digests: no recompression
  for (const child of doc.manifests) {
    const kind = classifyMediaType(child.mediaType).kind;
    const childRef = ref.repository().withDigest(child.digest);
    if (kind === "manifest") await pushImage(client, await index.image(child.digest), childRef, childOptions);
    else if (kind === "index") await pushIndex(client, await index.index(child.digest), childRef, childOptions);
  }
  const digest = await client.putManifest(ref, raw, await index.mediaType());
  return { reference: ref, digest, size: raw.byteLength, mediaType: await index.mediaType() };
}

/** An index held in the store, for pushing. */
function storeIndex(store: ImageStore, desc: { mediaType: string; digest: Digest; size: number }): ImageIndex {
  let raw: Promise<Buffer> | undefined;
  const bytes = () => (raw ??= store.readBlob(desc.digest, { size: desc.size, what: `image index ${desc.digest}` }));
  const child = async (digest: Digest) => {
    const doc = parseJsonDocument<Index>(await bytes(), `image index ${desc.digest}`);
    const d = doc.manifests.find((m) => m.digest === digest);
    if (!d) throw new KilnError("not-found", `index ${desc.digest} has no ${digest}`);
    return d;
  };
  return {
    mediaType: async () => desc.mediaType,
    manifest: async () => parseJsonDocument<Index>(await bytes(), `image index ${desc.digest}`),
    rawManifest: async () => Buffer.from(await bytes()),
    digest: async () => desc.digest,
    image: async (digest) => storeImage(store, await child(digest)),
    index: async (digest) => storeIndex(store, await child(digest)),
  };
}

/**
 * `kiln push`: the store image named `source` to `target` (default: `source` itself). Other names
 * of the same image on the same registry are tried as mount sources.
 */
export async function pushFromStore(
  client: RegistryClient,
  store: ImageStore,
  source: string,
  options: Omit<PushOptions, "store" | "mountFrom"> & { target?: string | Reference } = {},
): Promise<PushResult & { record: ImageRecord }> {
  const record = await store.resolve(source);
  const target = options.target ?? source;
  const ref = typeof target === "string" ? parseReference(target) : target;
  if (ref.tag === undefined && ref.digest === undefined) throw new KilnError("invalid-reference", `${source}: push needs a tag or digest`);
  const mountFrom = record.names.filter((n) => n.domain === ref.domain && n.path !== ref.path).map((n) => n.path);
  const pushOptions: PushOptions = { ...options, store, mountFrom };
  const result = record.kind === "index"
    ? await pushIndex(client, storeIndex(store, record), ref, pushOptions)
    : await pushImage(client, await store.image(record), ref, pushOptions);
  return { ...result, record };
}
