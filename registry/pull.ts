/**
 * Pulling into the store: manifest (index → the platform's manifest), config, then the layers
 * 4 at once, each streamed from the registry straight into the store's `putBlob` with its
 * expected digest and size: nothing whose digest is unverified enters the store, and the name
 * is written last. Compressed layers are kept as pulled; their diff_ids are checked when their
 * tar is read (runtime/ unpack refuses a mismatch before a snapshot is kept).
 */
import { once } from "node:events";
import { createGunzip } from "node:zlib";
import {
  classifyMediaType,
  DigestHasher,
  formatPlatform,
  parsePlatform,
  parseReference,
  type Compression,
  type Descriptor,
  type Digest,
  type ImageConfig,
  type Index,
  type Manifest,
  type Platform,
  type Reference,
} from "../image/index.js";
import { checkIndex, checkManifest, parseJsonDocument, storeImage, type ImageRecord, type ImageStore } from "../cache/index.js";
import { KilnError } from "../util/errors.js";
import { assertRemote } from "./transport.js";
import type { FetchedManifest, RegistryClient } from "./client.js";
import { hostPlatform, selectManifest } from "./platform.js";
import { inPool, type ProgressListener } from "./progress.js";

export interface PullOptions {
  /** `os/arch[/variant]` or a Platform; default this machine's. */
  platform?: string | Platform;
  onProgress?: ProgressListener;
  /** Layers downloaded at once (default 4). */
  concurrency?: number;
}

export interface PullResult {
  readonly reference: Reference;
  /** The digest the reference resolved to (the index's, for a multi-platform image). */
  readonly digest: Digest;
  /** The digest of the image manifest stored. */
  readonly manifestDigest: Digest;
  readonly platform: Platform | undefined;
  readonly record: ImageRecord;
  /** True when the store already had this image under this name. */
  readonly upToDate: boolean;
}

/** The manifest an image reference resolves to, following an index to the wanted platform. */
export async function resolveImageManifest(
  client: RegistryClient,
  ref: Reference,
  options: { platform?: string | Platform } = {},
): Promise<{ top: FetchedManifest; manifest: FetchedManifest; platform: Platform | undefined }> {
  const where = ref.familiarName();
  const explicit = options.platform !== undefined;
  const want = typeof options.platform === "string" ? parsePlatform(options.platform) : (options.platform ?? hostPlatform());
  const top = await client.getManifest(ref);
  let current = top;
  let platform: Platform | undefined;
  for (let depth = 0; classifyMediaType(current.mediaType, where).kind === "index"; depth++) {
    if (depth > 3) throw new KilnError("invalid-image", `${where}: image indexes nest too deeply`);
    const index = parseJsonDocument<Index>(current.bytes, `image index of ${where}`);
    checkIndex(index, current.mediaType);
    const child: Descriptor = selectManifest(index.manifests, want, where, explicit && want.variant !== undefined);
    platform = child.platform;
    current = await client.getManifest(ref.repository().withDigest(child.digest), { what: `manifest for ${formatPlatform(want)} of ${where}` });
    if (current.bytes.byteLength !== child.size) {
      throw new KilnError("digest-mismatch", `${where}: the index lists ${child.digest} with ${child.size} bytes, the registry sent ${current.bytes.byteLength}`);
    }
  }
  return { top, manifest: current, platform };
}

/**
 * The diff_id check of a layer as it streams by: `chunks` passes the blob through (the store
 * hashes it against the layer digest), a gzip layer is inflated and hashed on the side, and
 * `check` (the store's verify hook, so after the digest matched and before anything is kept)
 * compares that with the config's diff_id.
 */
export function diffIdCheck(source: AsyncIterable<Buffer>, layer: Descriptor, diffId: Digest, what: string): { chunks: AsyncIterable<Buffer>; check: () => Promise<void> } {
  const info = classifyMediaType(layer.mediaType);
  const compression: Compression = info.kind === "layer" ? info.compression : "none";
  const mismatch = (got: string) => new KilnError("digest-mismatch", `${what}: the uncompressed layer is ${got}, but the image config lists diff_id ${diffId}`);
  if (compression === "none") {
    // the blob is the tar: its digest is the diff_id, checked by the store
    return {
      chunks: source,
      check: async () => {
        if (layer.digest !== diffId) throw mismatch(layer.digest);
      },
    };
  }
  if (compression !== "gzip") {
    // zstd cannot be inflated on Node 20: the blob digest is still verified by the store
    return { chunks: source, check: async () => {} };
  }
  const inner = new DigestHasher();
  // big output chunks: fewer threadpool round trips than the 16 KiB default
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  let failed: Error | undefined;
  gunzip.on("data", (c: Buffer) => inner.update(c));
  const ended = new Promise<void>((resolve) => {
    gunzip.on("end", resolve);
    gunzip.on("close", resolve);
    gunzip.on("error", (e) => {
      failed = e;
      resolve();
    });
  });
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const c of source) {
        if (!failed && !gunzip.write(c)) await once(gunzip, "drain").catch(() => {});
        yield c;
      }
      gunzip.end();
    } finally {
      if (!gunzip.writableEnded) gunzip.destroy();
    }
  }
  return {
    chunks: chunks(),
    check: async () => {
      await ended;
      if (failed) throw new KilnError("digest-mismatch", `${what}: the layer is not valid gzip (${failed.message})`);
      if (inner.digest() !== diffId) throw mismatch(inner.digest());
    },
  };
}

/**
 * Pulls `reference` into the store and names it. Throws KilnErrors naming the reference:
 * `manifest-unknown`, `registry-unauthorized`, `digest-mismatch`, `unsupported-media-type`,
 * `unsupported-schema1`, `no-matching-platform`, `registry-download`…
 */
export async function pullImage(client: RegistryClient, store: ImageStore, reference: string | Reference, options: PullOptions = {}): Promise<PullResult> {
  const ref = typeof reference === "string" ? parseReference(reference) : reference;
  assertRemote(ref.domain);
  const where = ref.familiarName();
  const emit = options.onProgress ?? (() => {});
  const { top, manifest: fetched, platform } = await resolveImageManifest(client, ref, options);
  emit({ kind: "start", ref });

  const manifest = parseJsonDocument<Manifest>(fetched.bytes, `manifest of ${where}`);
  checkManifest(manifest, fetched.mediaType, `manifest of ${where}`);

  const name = ref.tag !== undefined ? ref.repository().withTag(ref.tag) : undefined;
  let before: ImageRecord | undefined;
  if (name) before = await store.resolve(name.toString()).catch(() => undefined);

  // config first: its diff_ids check the layers
  const cfgDesc = manifest.config;
  let configBytes: Buffer;
  if (await store.hasBlob(cfgDesc.digest)) {
    configBytes = await store.readBlob(cfgDesc.digest, { size: cfgDesc.size, what: `config of ${where}` });
  } else {
    configBytes = await client.getBlobBytes(ref, cfgDesc, `config ${cfgDesc.digest} of ${where}`);
    if (configBytes.byteLength !== cfgDesc.size) throw new KilnError("digest-mismatch", `config of ${where}: expected ${cfgDesc.size} bytes, got ${configBytes.byteLength}`);
    await store.putBlob(configBytes, { expected: { digest: cfgDesc.digest, size: cfgDesc.size }, what: `config of ${where}` });
  }
  const config = parseJsonDocument<ImageConfig>(configBytes, `config of ${where}`);
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== manifest.layers.length) {
    throw new KilnError("invalid-image", `${where}: the manifest lists ${manifest.layers.length} layers, the config ${diffIds.length} diff_ids`);
  }

  const layers = manifest.layers;
  for (const l of layers) emit({ kind: "blob", digest: l.digest, role: "layer", status: "waiting", total: l.size });
  await inPool(layers, options.concurrency ?? 4, async (layer, i) => {
    const what = `layer ${i + 1} of ${layers.length} (${layer.digest}) of ${where}`;
    if (await store.hasBlob(layer.digest)) {
      emit({ kind: "blob", digest: layer.digest, role: "layer", status: "exists", total: layer.size });
      return;
    }
    let current = 0;
    let last = 0;
    const chunks = client.blobChunks(ref, layer, {
      what,
      onBytes: (n) => {
        current += n;
        const now = Date.now();
        if (now - last >= 100 || current === layer.size) {
          last = now;
          emit({ kind: "blob", digest: layer.digest, role: "layer", status: "downloading", current, total: layer.size });
        }
      },
    });
    // A compressed layer is a verified blob copy: its diff_id is checked where its tar is read
    // (runtime unpack, openUncompressed), as inflating it here cost 3-4x the download (docs/registry.md).
    const info = classifyMediaType(layer.mediaType);
    const eager = info.kind === "layer" && info.compression === "none";
    if (eager) {
      const { chunks: checked, check } = diffIdCheck(chunks, layer, diffIds[i]!, what);
      await store.putBlob(checked, { expected: { digest: layer.digest, size: layer.size }, what, verify: check });
    } else {
      await store.putBlob(chunks, { expected: { digest: layer.digest, size: layer.size }, what });
    }
    emit({ kind: "blob", digest: layer.digest, role: "layer", status: "complete", current: layer.size, total: layer.size });
  });

  await store.putBlob(fetched.bytes, { expected: { digest: fetched.digest, size: fetched.bytes.byteLength }, what: `manifest of ${where}` });
  const image = storeImage(store, { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.bytes.byteLength });
  const record = await store.writeImage(image, { names: name ? [name] : [] });
  const upToDate = before !== undefined && before.digest === record.digest;
  return { reference: ref, digest: top.digest, manifestDigest: fetched.digest, platform, record, upToDate };
}
