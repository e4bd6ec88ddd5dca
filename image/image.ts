/**
 * Images and indexes as small lazy interfaces (principle 5). Every format (OCI layout, docker
 * archive, registry, store) reads into and writes from these, so copying is
 * `write(await read(x))`. Documents returned by the in-memory implementations here are frozen:
 * change them through `mutate`, which returns new images.
 */
import { KilnError } from "../util/errors.js";
import { canonicalJsonBytes, cloneJson, deepFreeze } from "./canonical-json.js";
import { digestOf, type Digest } from "./digest.js";
import { type Layer, layerDescriptor } from "./layer.js";
import {
  classifyMediaType,
  configMediaType,
  convertLayerMediaType,
  indexMediaType,
  manifestMediaType,
  type ManifestFormat,
} from "./media-types.js";
import type { Descriptor, ImageConfig, Index, Manifest, Platform, StringMap } from "./types.js";

export interface Image {
  /** The manifest's media type (OCI or Docker schema 2). */
  mediaType(): Promise<string>;
  manifest(): Promise<Manifest>;
  /** The exact manifest bytes; `digest()` is their sha256. */
  rawManifest(): Promise<Buffer>;
  digest(): Promise<Digest>;
  config(): Promise<ImageConfig>;
  /** The exact config bytes; the manifest's config descriptor hashes them. */
  rawConfig(): Promise<Buffer>;
  /** Base layer first, in the order of the config's rootfs.diff_ids. */
  layers(): Promise<Layer[]>;
}

export interface ImageIndex {
  mediaType(): Promise<string>;
  manifest(): Promise<Index>;
  rawManifest(): Promise<Buffer>;
  digest(): Promise<Digest>;
  /** The child image with this manifest digest; KilnError `not-found` if the index has none. */
  image(digest: Digest): Promise<Image>;
  /** The child index with this digest; KilnError `not-found` if the index has none. */
  index(digest: Digest): Promise<ImageIndex>;
}

/** The manifest format of an image or index (from its media type). */
export async function formatOf(item: Image | ImageIndex): Promise<ManifestFormat> {
  const mediaType = await item.mediaType();
  const info = classifyMediaType(mediaType);
  if (info.kind === "manifest" || info.kind === "index") return info.format;
  throw new KilnError("invalid-image", `media type ${JSON.stringify(mediaType)} is not an image manifest or index`);
}

/** A descriptor pointing at an image or index, for an index or an OCI layout's index.json. */
export async function descriptorOf(item: Image | ImageIndex, extra: { platform?: Platform; annotations?: StringMap } = {}): Promise<Descriptor> {
  const raw = await item.rawManifest();
  const d: Descriptor = { mediaType: await item.mediaType(), digest: await item.digest(), size: raw.byteLength };
  if (extra.platform) d.platform = cloneJson(extra.platform);
  if (extra.annotations && Object.keys(extra.annotations).length > 0) d.annotations = { ...extra.annotations };
  return d;
}

/** The platform an image's config declares. */
export function platformOf(config: ImageConfig): Platform {
  const p: Platform = { architecture: config.architecture, os: config.os };
  if (config["os.version"]) p["os.version"] = config["os.version"];
  if (config["os.features"]?.length) p["os.features"] = [...config["os.features"]];
  if (config.variant) p.variant = config.variant;
  return p;
}

/** `linux/arm64/v8`: os/architecture[/variant], as `--platform` writes it. */
export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;
}

/** Parses `os/architecture[/variant]`; KilnError `invalid-platform` otherwise. */
export function parsePlatform(value: string): Platform {
  const parts = value.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p))) {
    throw new KilnError("invalid-platform", `invalid platform ${JSON.stringify(value)}: expected os/architecture[/variant], e.g. linux/amd64 or linux/arm64/v8`);
  }
  const p: Platform = { os: parts[0]!.toLowerCase(), architecture: parts[1]!.toLowerCase() };
  if (parts[2]) p.variant = parts[2].toLowerCase();
  return p;
}

export interface NewImageOptions {
  config: ImageConfig;
  /** Must match config.rootfs.diff_ids, in order. */
  layers: readonly Layer[];
  /** Default `oci`. Layer descriptors are written in this format's media types. */
  format?: ManifestFormat;
  /** Manifest annotations. */
  annotations?: StringMap;
}

function lazy<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}

/** An image held in memory: documents are serialised as canonical JSON (sorted keys). */
class MemoryImage implements Image {
  private readonly cfg: ImageConfig;
  private readonly layerList: readonly Layer[];
  private readonly format: ManifestFormat;
  private readonly annotations: StringMap | undefined;
  private readonly configBytes = lazy(() => canonicalJsonBytes(this.cfg));
  private readonly manifestDoc = lazy((): Manifest => {
    const bytes = this.configBytes();
    const m: Manifest = {
      schemaVersion: 2,
      mediaType: manifestMediaType(this.format),
      config: { mediaType: configMediaType(this.format), digest: digestOf(bytes), size: bytes.byteLength },
      layers: this.layerList.map((layer) => {
        const d = layerDescriptor(layer);
        d.mediaType = convertLayerMediaType(d.mediaType, this.format);
        return d;
      }),
    };
    if (this.annotations && Object.keys(this.annotations).length > 0) m.annotations = { ...this.annotations };
    return deepFreeze(m);
  });
  private readonly manifestBytes = lazy(() => canonicalJsonBytes(this.manifestDoc()));
  private readonly manifestDigest = lazy(() => digestOf(this.manifestBytes()));

  constructor(options: NewImageOptions) {
    const config = cloneJson(options.config);
    const layers = [...options.layers];
    for (const layer of layers) {
      const info = classifyMediaType(layer.mediaType);
      if (info.kind !== "layer") throw new KilnError("invalid-image", `layer ${layer.digest} has media type ${JSON.stringify(layer.mediaType)}, which is not a layer type`);
    }
    if (!config.rootfs || config.rootfs.type !== "layers" || !Array.isArray(config.rootfs.diff_ids)) {
      throw new KilnError("invalid-image", 'image config needs rootfs {type: "layers", diff_ids: [...]}');
    }
    const want = config.rootfs.diff_ids;
    if (want.length !== layers.length || layers.some((l, i) => l.diffId !== want[i])) {
      throw new KilnError(
        "invalid-image",
        `config rootfs.diff_ids (${want.length}) do not match the layers' diffIds (${layers.length}): ` +
          `[${want.join(", ")}] vs [${layers.map((l) => l.diffId).join(", ")}]`,
      );
    }
    if (!config.architecture || !config.os) throw new KilnError("invalid-image", "image config needs architecture and os");
    this.cfg = deepFreeze(config);
    this.layerList = Object.freeze(layers);
    this.format = options.format ?? "oci";
    this.annotations = options.annotations ? deepFreeze({ ...options.annotations }) : undefined;
  }

  async mediaType(): Promise<string> {
    return manifestMediaType(this.format);
  }
  async manifest(): Promise<Manifest> {
    return this.manifestDoc();
  }
  async rawManifest(): Promise<Buffer> {
    return Buffer.from(this.manifestBytes());
  }
  async digest(): Promise<Digest> {
    return this.manifestDigest();
  }
  async config(): Promise<ImageConfig> {
    return this.cfg;
  }
  async rawConfig(): Promise<Buffer> {
    return Buffer.from(this.configBytes());
  }
  async layers(): Promise<Layer[]> {
    return [...this.layerList];
  }
}

/**
 * An image from a config and its layers. Throws KilnError `invalid-image` when rootfs.diff_ids
 * and the layers disagree. The inputs are copied; the image never changes.
 */
export function newImage(options: NewImageOptions): Image {
  return new MemoryImage(options);
}

/**
 * `FROM scratch`: no layers, an empty execution config, the given platform. Dockerfile defaults
 * (PATH, WorkingDir) are the builder's business, not this one's.
 */
export function emptyImage(platform: Platform, options: { format?: ManifestFormat } = {}): Image {
  const config: ImageConfig = {
    architecture: platform.architecture,
    os: platform.os,
    config: {},
    rootfs: { type: "layers", diff_ids: [] },
    history: [],
  };
  if (platform.variant) config.variant = platform.variant;
  if (platform["os.version"]) config["os.version"] = platform["os.version"];
  if (platform["os.features"]?.length) config["os.features"] = [...platform["os.features"]];
  return newImage({ config, layers: [], format: options.format ?? "oci" });
}

export interface IndexChild {
  item: Image | ImageIndex;
  /** Default for images: the platform their config declares. Indexes get none. */
  platform?: Platform;
  annotations?: StringMap;
}

function isIndex(item: Image | ImageIndex): item is ImageIndex {
  return typeof (item as ImageIndex).index === "function" && typeof (item as Image).layers !== "function";
}

class MemoryIndex implements ImageIndex {
  constructor(
    private readonly format: ManifestFormat,
    private readonly doc: Index,
    private readonly bytes: Buffer,
    private readonly children: ReadonlyMap<Digest, Image | ImageIndex>,
  ) {}

  async mediaType(): Promise<string> {
    return indexMediaType(this.format);
  }
  async manifest(): Promise<Index> {
    return this.doc;
  }
  async rawManifest(): Promise<Buffer> {
    return Buffer.from(this.bytes);
  }
  async digest(): Promise<Digest> {
    return digestOf(this.bytes);
  }
  async image(digest: Digest): Promise<Image> {
    const child = this.children.get(digest);
    if (!child || isIndex(child)) throw new KilnError("not-found", `index has no image ${digest}`);
    return child;
  }
  async index(digest: Digest): Promise<ImageIndex> {
    const child = this.children.get(digest);
    if (!child || !isIndex(child)) throw new KilnError("not-found", `index has no child index ${digest}`);
    return child;
  }
}

/** An index (multi-platform image) over images and indexes, in the order given. */
export async function newIndex(children: readonly IndexChild[], options: { format?: ManifestFormat; annotations?: StringMap } = {}): Promise<ImageIndex> {
  const format = options.format ?? "oci";
  const manifests: Descriptor[] = [];
  const byDigest = new Map<Digest, Image | ImageIndex>();
  for (const child of children) {
    const platform = child.platform ?? (isIndex(child.item) ? undefined : platformOf(await child.item.config()));
    const d = await descriptorOf(child.item, { ...(platform ? { platform } : {}), ...(child.annotations ? { annotations: child.annotations } : {}) });
    manifests.push(d);
    byDigest.set(d.digest, child.item);
  }
  const doc: Index = { schemaVersion: 2, mediaType: indexMediaType(format), manifests };
  if (options.annotations && Object.keys(options.annotations).length > 0) doc.annotations = { ...options.annotations };
  deepFreeze(doc);
  return new MemoryIndex(format, doc, canonicalJsonBytes(doc), byDigest);
}
