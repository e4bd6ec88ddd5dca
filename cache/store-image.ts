/**
 * Images read from the store: lazy (documents read when asked, layers opened on demand) and
 * verified (every read goes through the store's digest check).
 */
import { parseDigest, type Digest } from "../image/digest.js";
import type { Image } from "../image/image.js";
import { layerFromOpener, type Layer } from "../image/layer.js";
import { classifyMediaType, refuseSchema1 } from "../image/media-types.js";
import type { Descriptor, ImageConfig, Index, Manifest } from "../image/types.js";
import { KilnError } from "../util/errors.js";
import type { ImageStore } from "./types.js";

/** JSON.parse for documents, with a KilnError naming the document. */
export function parseJsonDocument<T>(raw: Uint8Array, what: string): T {
  try {
    const value = JSON.parse(Buffer.from(raw).toString("utf8")) as unknown;
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not a JSON object");
    return value as T;
  } catch (err) {
    throw new KilnError("invalid-image", `${what} is not a valid JSON document: ${(err as Error).message}`);
  }
}

function checkDescriptor(d: unknown, where: string): asserts d is Descriptor {
  const x = d as Descriptor | undefined;
  if (!x || typeof x !== "object" || typeof x.mediaType !== "string" || typeof x.size !== "number" || !(x.size >= 0)) {
    throw new KilnError("invalid-image", `${where} is not a valid descriptor (mediaType, digest, size)`);
  }
  parseDigest(x.digest);
}

/**
 * Checks a manifest kiln is about to store or read: schema 2, a config of a config media type,
 * layers of layer media types. Unknown media types get KilnError `unsupported-media-type`.
 */
export function checkManifest(m: Manifest, mediaType: string, what: string): void {
  refuseSchema1(mediaType, what);
  const kind = classifyMediaType(mediaType).kind;
  if (kind !== "manifest") throw new KilnError("unsupported-media-type", `${what}: media type ${JSON.stringify(mediaType)} is not an image manifest`);
  if (m.schemaVersion !== 2) throw new KilnError("invalid-image", `${what}: manifest schemaVersion is ${JSON.stringify(m.schemaVersion)}, expected 2`);
  if (m.mediaType !== undefined && m.mediaType !== mediaType) {
    throw new KilnError("invalid-image", `${what}: manifest says its media type is ${JSON.stringify(m.mediaType)}, but it was given as ${JSON.stringify(mediaType)}`);
  }
  checkDescriptor(m.config, `${what}: config`);
  if (classifyMediaType(m.config.mediaType).kind !== "config") {
    throw new KilnError("unsupported-media-type", `${what}: config media type ${JSON.stringify(m.config.mediaType)} is not an image config (is this an artifact?)`);
  }
  if (!Array.isArray(m.layers)) throw new KilnError("invalid-image", `${what}: manifest has no layers array`);
  m.layers.forEach((l, i) => {
    checkDescriptor(l, `${what}: layer ${i + 1}`);
    if (classifyMediaType(l.mediaType).kind !== "layer") {
      throw new KilnError("unsupported-media-type", `${what}: layer ${i + 1} (${l.digest}) has unknown media type ${JSON.stringify(l.mediaType)}`);
    }
    if (!l.digest.startsWith("sha256:")) throw new KilnError("unsupported-digest", `${what}: layer ${i + 1} uses ${l.digest}; the store keeps sha256 blobs only`);
  });
}

export function checkIndex(doc: Index, mediaType: string): void {
  if (classifyMediaType(mediaType).kind !== "index") throw new KilnError("unsupported-media-type", `media type ${JSON.stringify(mediaType)} is not an image index`);
  if (doc.schemaVersion !== 2 || !Array.isArray(doc.manifests)) throw new KilnError("invalid-image", "image index needs schemaVersion 2 and a manifests array");
  doc.manifests.forEach((d, i) => checkDescriptor(d, `image index entry ${i + 1}`));
}

class StoreImage implements Image {
  private manifestRaw: Promise<Buffer> | undefined;
  private configRaw: Promise<Buffer> | undefined;
  private parsed: Promise<Manifest> | undefined;

  constructor(
    private readonly store: ImageStore,
    private readonly desc: { mediaType: string; digest: Digest; size: number },
  ) {}

  async mediaType(): Promise<string> {
    return this.desc.mediaType;
  }
  async rawManifest(): Promise<Buffer> {
    this.manifestRaw ??= this.store.readBlob(this.desc.digest, { size: this.desc.size, what: `manifest ${this.desc.digest}` });
    return Buffer.from(await this.manifestRaw);
  }
  async manifest(): Promise<Manifest> {
    this.parsed ??= this.rawManifest().then((raw) => {
      const m = parseJsonDocument<Manifest>(raw, `manifest ${this.desc.digest}`);
      checkManifest(m, this.desc.mediaType, `image ${this.desc.digest}`);
      return m;
    });
    return structuredClone(await this.parsed);
  }
  async digest(): Promise<Digest> {
    return this.desc.digest;
  }
  async rawConfig(): Promise<Buffer> {
    this.configRaw ??= this.manifest().then((m) => this.store.readBlob(m.config.digest, { size: m.config.size, what: `config ${m.config.digest}` }));
    return Buffer.from(await this.configRaw);
  }
  async config(): Promise<ImageConfig> {
    const cfg = parseJsonDocument<ImageConfig>(await this.rawConfig(), `config of image ${this.desc.digest}`);
    if (!cfg.rootfs || !Array.isArray(cfg.rootfs.diff_ids)) throw new KilnError("invalid-image", `config of image ${this.desc.digest} has no rootfs.diff_ids`);
    return cfg;
  }
  async layers(): Promise<Layer[]> {
    const m = await this.manifest();
    const cfg = await this.config();
    if (cfg.rootfs.diff_ids.length !== m.layers.length) {
      throw new KilnError("invalid-image", `image ${this.desc.digest}: the manifest lists ${m.layers.length} layers, the config ${cfg.rootfs.diff_ids.length} diff_ids`);
    }
    return Promise.all(
      m.layers.map((d, i) =>
        layerFromOpener(() => this.store.getBlob(d.digest, { size: d.size, what: `layer ${i + 1} (${d.digest}) of image ${this.desc.digest}` }), {
          mediaType: d.mediaType,
          digest: d.digest,
          size: d.size,
          diffId: parseDigest(cfg.rootfs.diff_ids[i]!),
          ...(d.urls ? { urls: d.urls } : {}),
          ...(d.annotations ? { annotations: d.annotations } : {}),
        }),
      ),
    );
  }
}

/** A lazy, verified image over the store's blobs. */
export function storeImage(store: ImageStore, desc: { mediaType: string; digest: Digest; size: number }): Image {
  return new StoreImage(store, desc);
}
