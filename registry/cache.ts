/**
 * The build cache as an OCI artifact, so CI runners share step results through a registry
 * (`--cache-to/--cache-from type=registry,ref=R`) or a directory (`type=local,dest|src=DIR`, an
 * OCI image layout). Format (docs/registry.md, "Build cache"):
 *
 *   manifest  application/vnd.oci.image.manifest.v1+json, artifactType CACHE_ARTIFACT_TYPE
 *   config    CACHE_CONFIG_MEDIA_TYPE: {"kilnBuildCache":1,"mode":…,"entries":[{key,layer,created,record}]}
 *   layers    every layer an entry names, gzip (the store's remembered copy), once each
 *
 * An entry is one step-cache result: the step key, the layer it made (null for none) with its
 * diff_id, when it was made and the key's input record. Importing verifies every blob against
 * its digest and every layer against its diff_id before it enters the store.
 */
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { digestHex, digestOf, layerFromOpener, MediaType, parseDigest, type Descriptor, type Digest, type Reference } from "../image/index.js";
import { parseJsonDocument, type ImageStore } from "../cache/index.js";
import { KilnError } from "../util/errors.js";
import type { RegistryClient } from "./client.js";
import { inPool } from "./progress.js";
import { diffIdCheck } from "./pull.js";

export const CACHE_ARTIFACT_TYPE = "application/vnd.kiln.build-cache.v1";
export const CACHE_CONFIG_MEDIA_TYPE = "application/vnd.kiln.build-cache.config.v1+json";
const CACHE_VERSION = 1;

export interface CacheLayer {
  readonly digest: string;
  readonly size: number;
  readonly diffId: string;
  readonly mediaType: string;
}

/** One step result (the builder's step-cache record). */
export interface CacheEntry {
  readonly key: string;
  readonly layer: CacheLayer | null;
  readonly created: string;
  readonly record: unknown;
}

export interface CacheDocument {
  readonly kilnBuildCache: number;
  readonly mode: "min" | "max";
  readonly entries: readonly CacheEntry[];
}

export type CacheLocation = { readonly type: "registry"; readonly ref: Reference } | { readonly type: "local"; readonly dir: string };

export function describeLocation(location: CacheLocation): string {
  return location.type === "registry" ? location.ref.familiarName() : location.dir;
}

/** Where cache blobs and the manifest go to and come from. */
interface Target {
  has(digest: Digest): Promise<boolean>;
  put(digest: Digest, size: number, open: () => Promise<Readable> | Readable, what: string): Promise<void>;
  /** The blob's bytes, streamed (the caller verifies). */
  get(desc: { digest: Digest; size: number }, what: string): AsyncIterable<Buffer>;
  putManifest(bytes: Buffer): Promise<void>;
  /** The manifest bytes, or undefined when there is no cache there yet. */
  getManifest(): Promise<Buffer | undefined>;
}

function registryTarget(client: RegistryClient, ref: Reference): Target {
  return {
    has: async (digest) => (await client.headBlob(ref, digest, ["pull", "push"])) !== undefined,
    put: async (digest, size, open, what) => void (await client.uploadBlob(ref, { digest, size }, open, { what, skipExistsCheck: true })),
    get: (desc, what) => client.blobChunks(ref, desc, { what }),
    putManifest: async (bytes) => void (await client.putManifest(ref, bytes, MediaType.OciManifest)),
    getManifest: async () => {
      try {
        return (await client.getManifest(ref)).bytes;
      } catch (err) {
        if ((err as KilnError).code === "manifest-unknown") return undefined;
        throw err;
      }
    },
  };
}

/** An OCI image layout directory: blobs written to a temp file and renamed, index.json last. */
function localTarget(dir: string): Target {
  const blob = (digest: Digest) => join(dir, "blobs", "sha256", digestHex(digest));
  const writeAtomic = async (path: string, data: Buffer | Readable) => {
    const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
    const fh = await open(temp, "w", 0o644);
    try {
      if (Buffer.isBuffer(data)) await fh.writeFile(data);
      else for await (const chunk of data) await fh.write(chunk as Buffer);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, path);
  };
  return {
    has: async (digest) => (await stat(blob(digest)).catch(() => undefined))?.isFile() === true,
    put: async (digest, _size, openSource) => {
      await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
      await writeAtomic(blob(digest), await openSource());
    },
    get: (desc) => createReadStream(blob(desc.digest), { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>,
    putManifest: async (bytes) => {
      const digest = digestOf(bytes);
      await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
      await writeAtomic(blob(digest), bytes);
      await writeFile(join(dir, "oci-layout"), `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
      const index = {
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        manifests: [{ mediaType: MediaType.OciManifest, artifactType: CACHE_ARTIFACT_TYPE, digest, size: bytes.byteLength, annotations: { "org.opencontainers.image.ref.name": "latest" } }],
      };
      await writeAtomic(join(dir, "index.json"), Buffer.from(`${JSON.stringify(index)}\n`));
    },
    getManifest: async () => {
      let text: string;
      try {
        text = await readFile(join(dir, "index.json"), "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
      const index = parseJsonDocument<{ manifests?: (Descriptor & { artifactType?: string })[] }>(Buffer.from(text), `${dir}/index.json`);
      const desc = (index.manifests ?? []).filter((m) => m.artifactType === CACHE_ARTIFACT_TYPE).at(-1);
      if (!desc) throw new KilnError("invalid-cache", `${dir} holds no kiln build cache (no manifest with artifactType ${CACHE_ARTIFACT_TYPE} in index.json)`);
      const bytes = await readFile(blob(parseDigest(desc.digest)));
      if (digestOf(bytes) !== desc.digest) throw new KilnError("digest-mismatch", `${dir}: the cache manifest does not match its digest ${desc.digest}`);
      return bytes;
    },
  };
}

function targetFor(location: CacheLocation, client: RegistryClient | undefined): Target {
  if (location.type === "local") return localTarget(location.dir);
  if (!client) throw new Error("a registry cache needs a RegistryClient");
  return registryTarget(client, location.ref);
}

/**
 * Writes `entries` (and the layers they name, gzip'ed through the store) as one cache artifact.
 * Returns the manifest digest.
 */
export async function exportCache(
  store: ImageStore,
  entries: readonly CacheEntry[],
  location: CacheLocation,
  options: { client?: RegistryClient; mode: "min" | "max"; concurrency?: number },
): Promise<{ digest: Digest; layers: number; entries: number }> {
  const target = targetFor(location, options.client);
  const where = describeLocation(location);
  const compressed = new Map<string, CacheLayer>();
  const layers = [...new Map(entries.flatMap((e) => (e.layer ? [[e.layer.digest, e.layer] as const] : []))).values()];
  await inPool(layers, options.concurrency ?? 4, async (l) => {
    const layer = await layerFromOpener(() => store.getBlob(l.digest as Digest, { size: l.size }), {
      digest: l.digest as Digest,
      size: l.size,
      diffId: l.diffId as Digest,
      mediaType: l.mediaType,
    });
    const gz = await store.compressLayer(layer, "gzip");
    compressed.set(l.digest, { digest: gz.digest, size: gz.size, diffId: l.diffId, mediaType: gz.mediaType });
    if (!(await target.has(gz.digest))) await target.put(gz.digest, gz.size, () => gz.open(), `cache layer ${gz.digest} for ${where}`);
  });
  const doc: CacheDocument = {
    kilnBuildCache: CACHE_VERSION,
    mode: options.mode,
    entries: entries.map((e) => ({ ...e, layer: e.layer ? compressed.get(e.layer.digest)! : null })),
  };
  const config = Buffer.from(JSON.stringify(doc));
  const configDigest = digestOf(config);
  if (!(await target.has(configDigest))) await target.put(configDigest, config.byteLength, () => Readable.from([config]), `cache record for ${where}`);
  const unique = [...new Map([...compressed.values()].map((l) => [l.digest, l])).values()];
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType: CACHE_ARTIFACT_TYPE,
      config: { mediaType: CACHE_CONFIG_MEDIA_TYPE, digest: configDigest, size: config.byteLength },
      layers: unique.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    }),
  );
  await target.putManifest(manifest);
  return { digest: digestOf(manifest), layers: unique.length, entries: entries.length };
}

/**
 * Reads a cache artifact: its entries, with every layer they name put into the store (verified
 * against digest and diff_id). Undefined when there is no cache at `location` yet (a first CI run).
 */
export async function importCache(
  store: ImageStore,
  location: CacheLocation,
  options: { client?: RegistryClient; concurrency?: number } = {},
): Promise<{ entries: CacheEntry[]; layers: number; fetched: number } | undefined> {
  const target = targetFor(location, options.client);
  const where = describeLocation(location);
  const bytes = await target.getManifest();
  if (!bytes) return undefined;
  const manifest = parseJsonDocument<{ artifactType?: string; config?: Descriptor; layers?: Descriptor[] }>(bytes, `cache manifest of ${where}`);
  if (manifest.config?.mediaType !== CACHE_CONFIG_MEDIA_TYPE) {
    throw new KilnError("invalid-cache", `${where} is not a kiln build cache (config media type ${JSON.stringify(manifest.config?.mediaType ?? "(none)")}, expected ${CACHE_CONFIG_MEDIA_TYPE})`);
  }
  const cfg = manifest.config;
  const chunks: Buffer[] = [];
  for await (const c of target.get({ digest: cfg.digest, size: cfg.size }, `cache record of ${where}`)) chunks.push(c);
  const config = Buffer.concat(chunks);
  if (digestOf(config) !== cfg.digest) throw new KilnError("digest-mismatch", `cache record of ${where}: content does not match its digest ${cfg.digest}`);
  const doc = parseJsonDocument<CacheDocument>(config, `cache record of ${where}`);
  if (doc.kilnBuildCache !== CACHE_VERSION || !Array.isArray(doc.entries)) {
    throw new KilnError("invalid-cache", `${where}: cache format ${JSON.stringify(doc.kilnBuildCache)} is not one this kiln reads (${CACHE_VERSION})`);
  }
  const listed = new Set((manifest.layers ?? []).map((l) => l.digest));
  const layers = [...new Map(doc.entries.flatMap((e) => (e.layer ? [[e.layer.digest, e.layer] as const] : []))).values()];
  for (const l of layers) {
    if (!listed.has(l.digest as Digest)) throw new KilnError("invalid-cache", `${where}: the cache record names layer ${l.digest}, which its manifest does not list`);
  }
  let fetched = 0;
  await inPool(layers, options.concurrency ?? 4, async (l, i) => {
    const digest = parseDigest(l.digest);
    if (await store.hasBlob(digest)) return;
    const what = `cache layer ${i + 1} of ${layers.length} (${digest}) of ${where}`;
    const desc: Descriptor = { mediaType: l.mediaType, digest, size: l.size };
    const { chunks: checked, check } = diffIdCheck(target.get({ digest, size: l.size }, what), desc, parseDigest(l.diffId), what);
    await store.putBlob(checked, { expected: { digest, size: l.size }, what, verify: check });
    fetched++;
  });
  return { entries: [...doc.entries], layers: layers.length, fetched };
}
