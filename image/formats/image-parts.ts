/**
 * What every format shares: where blobs come from (`BlobSource`), manifest and config parsing
 * with typed errors, manifest synthesis, and the `Image` the readers return (exact manifest and
 * config bytes plus lazy layers).
 */
import type { Readable } from "node:stream";
import { KilnError } from "../../util/errors.js";
import { canonicalJsonBytes, deepFreeze } from "../canonical-json.js";
import { digestOf, parseDigest, type Digest } from "../digest.js";
import type { Image } from "../image.js";
import { layerFromOpener, type Layer } from "../layer.js";
import {
  classifyMediaType,
  configMediaType,
  convertLayerMediaType,
  isSchema1MediaType,
  layerMediaType,
  manifestMediaType,
  MediaType,
  refuseSchema1,
  type Compression,
  type ManifestFormat,
} from "../media-types.js";
import type { Descriptor, ImageConfig, Index, Manifest, StringMap } from "../types.js";
import { archiveCorrupt, missingBlob, unknownMediaType } from "./errors.js";

/** One image of an archive or layout, with the names it goes by. */
export interface ArchiveEntry {
  image: Image;
  /** docker-archive: `RepoTags` (`busybox:latest`); OCI layout: the full name when known, else `ref.name`. */
  tags: string[];
}

/** Largest JSON document (manifest, index, config) the readers load into memory. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

/** Where a reader finds files by path: an unpacked tar (spooled) or a directory. */
export interface BlobSource {
  /** For messages: `archive image.tar`, `OCI layout /x`. */
  readonly where: string;
  /** Size of the file at `path` (archive-relative, no leading `./`), undefined when absent. */
  size(path: string): Promise<number | undefined>;
  /** Whole file, verified against `expect` when given (KilnError `digest-mismatch`). */
  read(path: string, expect?: Digest): Promise<Buffer>;
  /** A new stream of the file on every call, verified against `expect` when given (the stream fails at its end). */
  open(path: string, expect?: { digest: Digest; size: number }): Readable;
  /** The sha256 of the file's bytes when the source already knows it (spooled archives). */
  knownDigest?(path: string): Digest | undefined;
  /** The sha256 of the decompressed bytes when the source computed it while spooling. */
  knownDiffId?(path: string): Digest | undefined;
  /** What the file's first bytes say about compression, when known. */
  knownCompression?(path: string): Compression | undefined;
}

export function blobPath(digest: Digest): string {
  const colon = digest.indexOf(":");
  return `blobs/${digest.slice(0, colon)}/${digest.slice(colon + 1)}`;
}

export function parseJson<T>(bytes: Buffer, where: string): T {
  try {
    return JSON.parse(bytes.toString("utf8")) as T;
  } catch (err) {
    throw archiveCorrupt(`${where} is not valid JSON: ${(err as Error).message}`, { entry: where, cause: err });
  }
}

/** Reads a (small) document, refusing missing files and oversized ones. */
export async function readDocument(source: BlobSource, path: string, referrer: string, expect?: Digest): Promise<Buffer> {
  const size = await source.size(path);
  if (size === undefined) throw missingBlob(path, referrer);
  if (size > MAX_DOCUMENT_BYTES) throw archiveCorrupt(`${path} (${size} bytes) is too large for a ${referrer} document`, { entry: path });
  return source.read(path, expect);
}

function checkDescriptor(d: unknown, where: string): Descriptor {
  const desc = d as Descriptor;
  if (!desc || typeof desc !== "object" || typeof desc.mediaType !== "string" || typeof desc.digest !== "string" || typeof desc.size !== "number") {
    throw archiveCorrupt(`${where}: a descriptor needs mediaType, digest and size`, { entry: where });
  }
  try {
    parseDigest(desc.digest);
  } catch (err) {
    throw archiveCorrupt(`${where}: ${(err as Error).message}`, { entry: where, cause: err });
  }
  if (!Number.isSafeInteger(desc.size) || desc.size < 0) throw archiveCorrupt(`${where}: size ${desc.size} is not a byte count`, { entry: where });
  return desc;
}

/** Parses and checks an image manifest: schema 1 refused, media types classified. */
export function parseManifest(raw: Buffer, where: string, descriptorMediaType?: string): { manifest: Manifest; mediaType: string; format: ManifestFormat } {
  const doc = parseJson<Record<string, unknown>>(raw, where);
  const declared = typeof doc.mediaType === "string" ? doc.mediaType : descriptorMediaType;
  if (declared !== undefined && isSchema1MediaType(declared)) refuseSchema1(declared, where);
  if (doc.schemaVersion === 1) refuseSchema1(typeof doc.signatures === "object" ? MediaType.DockerSchema1SignedManifest : MediaType.DockerSchema1Manifest, where);
  if (doc.schemaVersion !== 2) throw archiveCorrupt(`${where}: schemaVersion ${JSON.stringify(doc.schemaVersion)} is not 2`, { entry: where });
  const mediaType = declared ?? manifestMediaType("oci");
  const info = classifyMediaType(mediaType, where);
  if (info.kind !== "manifest") throw unknownMediaType(mediaType, where);
  const config = checkDescriptor(doc.config, `${where} config`);
  const cinfo = classifyMediaType(config.mediaType, where);
  if (cinfo.kind !== "config") throw unknownMediaType(config.mediaType, `${where} config ${config.digest}`);
  if (!Array.isArray(doc.layers)) throw archiveCorrupt(`${where}: layers is not an array`, { entry: where });
  doc.layers.forEach((l, i) => {
    const d = checkDescriptor(l, `${where} layer ${i}`);
    if (classifyMediaType(d.mediaType, where).kind !== "layer") throw unknownMediaType(d.mediaType, `${where} layer ${i} (${d.digest})`);
  });
  return { manifest: doc as unknown as Manifest, mediaType, format: info.format };
}

/** Parses an index (index.json or a nested image index). */
export function parseIndex(raw: Buffer, where: string): Index {
  const doc = parseJson<Record<string, unknown>>(raw, where);
  if (doc.schemaVersion !== 2) throw archiveCorrupt(`${where}: schemaVersion ${JSON.stringify(doc.schemaVersion)} is not 2`, { entry: where });
  if (!Array.isArray(doc.manifests)) throw archiveCorrupt(`${where}: manifests is not an array`, { entry: where });
  doc.manifests.forEach((d, i) => checkDescriptor(d, `${where} manifests[${i}]`));
  return doc as unknown as Index;
}

export function parseConfig(raw: Buffer, where: string): ImageConfig {
  const config = parseJson<ImageConfig>(raw, where);
  if (!config || typeof config !== "object" || !config.rootfs || !Array.isArray(config.rootfs.diff_ids)) {
    throw archiveCorrupt(`${where}: an image config needs rootfs.diff_ids`, { entry: where });
  }
  for (const id of config.rootfs.diff_ids) {
    try {
      parseDigest(id);
    } catch (err) {
      throw archiveCorrupt(`${where}: rootfs.diff_ids: ${(err as Error).message}`, { entry: where, cause: err });
    }
  }
  return config;
}

/** The media type of a layer re-stated with another compression (distributability kept). */
export function withCompression(mediaType: string, format: ManifestFormat, compression: Compression): string {
  const info = classifyMediaType(mediaType);
  const base = info.kind === "layer" && !info.distributable ? convertLayerMediaType(mediaType, format) : layerMediaType(format, compression);
  if (info.kind === "layer" && !info.distributable && info.compression !== compression) return layerMediaType(format, compression);
  return base;
}

/** The compression a layer media type declares. */
export function compressionOf(mediaType: string): Compression {
  const info = classifyMediaType(mediaType);
  return info.kind === "layer" ? info.compression : "none";
}

/**
 * A canonical manifest for a config and layers in `format` (layer descriptors as given, their
 * media types converted to `format`).
 */
export function synthesizeManifest(format: ManifestFormat, config: { digest: Digest; size: number }, layers: readonly Descriptor[], annotations?: StringMap): Buffer {
  const m: Manifest = {
    schemaVersion: 2,
    mediaType: manifestMediaType(format),
    config: { mediaType: configMediaType(format), digest: config.digest, size: config.size },
    layers: layers.map((d) => ({ ...d, mediaType: convertLayerMediaType(d.mediaType, format) })),
  };
  if (annotations && Object.keys(annotations).length > 0) m.annotations = { ...annotations };
  return canonicalJsonBytes(m);
}

/** An image from exact manifest and config bytes and its layers. */
export class StoredImage implements Image {
  private readonly doc: Manifest;
  private readonly cfg: ImageConfig;
  private readonly manifestDigest: Digest;
  constructor(
    private readonly type: string,
    private readonly manifestBytes: Buffer,
    private readonly configBytes: Buffer,
    private readonly layerList: readonly Layer[],
    where: string,
  ) {
    this.doc = deepFreeze(parseJson<Manifest>(manifestBytes, where));
    this.cfg = deepFreeze(parseConfig(configBytes, where));
    this.manifestDigest = digestOf(manifestBytes);
  }
  async mediaType(): Promise<string> {
    return this.type;
  }
  async manifest(): Promise<Manifest> {
    return this.doc;
  }
  async rawManifest(): Promise<Buffer> {
    return Buffer.from(this.manifestBytes);
  }
  async digest(): Promise<Digest> {
    return this.manifestDigest;
  }
  async config(): Promise<ImageConfig> {
    return this.cfg;
  }
  async rawConfig(): Promise<Buffer> {
    return Buffer.from(this.configBytes);
  }
  async layers(): Promise<Layer[]> {
    return [...this.layerList];
  }
}

/**
 * Builds the image a manifest describes from a source whose blobs live at `blobs/<alg>/<hex>`:
 * the config is read and verified now, layers are opened (and verified) when read. diffIds come
 * from the config; an uncompressed layer whose digest is not its diffId is refused.
 */
export async function imageFromManifest(source: BlobSource, raw: Buffer, where: string, descriptorMediaType?: string): Promise<StoredImage> {
  const { manifest, mediaType } = parseManifest(raw, where, descriptorMediaType);
  const configBytes = await readDocument(source, blobPath(manifest.config.digest), `${where} config`, manifest.config.digest);
  const config = parseConfig(configBytes, `${where} config ${manifest.config.digest}`);
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw archiveCorrupt(`${where}: ${manifest.layers.length} layers but the config lists ${diffIds.length} diff_ids`, { entry: where });
  }
  const layers: Layer[] = [];
  for (const [i, d] of manifest.layers.entries()) {
    const path = blobPath(d.digest);
    const size = await source.size(path);
    if (size === undefined) throw missingBlob(path, `${where} layer ${i}`);
    if (size !== d.size) throw new KilnError("digest-mismatch", `${source.where}: ${path} has ${size} bytes, the manifest says ${d.size}`);
    const compression = compressionOf(d.mediaType);
    const diffId = diffIds[i]!;
    if (compression === "none" && d.digest !== diffId) {
      throw new KilnError("digest-mismatch", `${where} layer ${i}: uncompressed layer ${d.digest} is not the config's diff_id ${diffId}`);
    }
    const known = source.knownDiffId?.(path);
    if (known !== undefined && known !== diffId) {
      throw new KilnError("digest-mismatch", `${where} layer ${i}: ${path} decompresses to ${known}, the config says ${diffId}`);
    }
    const expect = { digest: d.digest, size: d.size };
    layers.push(await layerFromOpener(() => source.open(path, expect), {
      mediaType: d.mediaType,
      digest: d.digest,
      size: d.size,
      diffId,
      ...(d.urls ? { urls: d.urls } : {}),
      ...(d.annotations ? { annotations: d.annotations } : {}),
    }));
  }
  return new StoredImage(mediaType, raw, configBytes, layers, where);
}
