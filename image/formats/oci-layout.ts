/**
 * OCI image layouts (image-spec `image-layout.md`), as a directory or as a tar of one:
 *
 *   oci-layout          {"imageLayoutVersion": "1.0.0"}
 *   index.json          an OCI index; each tag is a descriptor annotated with
 *                       org.opencontainers.image.ref.name (and io.containerd.image.name for full names)
 *   blobs/sha256/<hex>  manifests, configs and layers
 *
 * Writing chooses the layer compression (gzip by default, `none`, or zstd where Node.js has it).
 * Layers already in that compression are copied byte for byte; others are transcoded and the
 * new digest reported through `onLayer`, so a store can remember diffId → compressed digest.
 * An OCI image whose layers all stay unchanged keeps its exact manifest (and digest); others
 * get a canonical OCI manifest.
 *
 * Writing into an existing directory adds blobs (existing ones are kept: content addressed) and
 * merges index.json, replacing descriptors that carried the same ref.name. Blobs and index.json
 * are written to a temporary name, fsynced and renamed, so a crash leaves a valid layout.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { KilnError } from "../../util/errors.js";
import { canonicalJsonBytes } from "../canonical-json.js";
import { DigestTransform, digestOf, type Digest } from "../digest.js";
import type { Image } from "../image.js";
import type { Layer } from "../layer.js";
import { classifyMediaType, MediaType, type Compression } from "../media-types.js";
import type { Reference } from "../reference.js";
import { createTar, type TarEntry } from "../tar.js";
import { Annotation, type Descriptor, type Index } from "../types.js";
import { requireCompression, DEFAULT_GZIP_LEVEL } from "./compression.js";
import { archiveCorrupt, ArchiveError, asArchiveError, digestMismatch } from "./errors.js";
import {
  blobPath,
  compressionOf,
  imageFromManifest,
  MAX_DOCUMENT_BYTES,
  parseIndex,
  parseJson,
  readDocument,
  synthesizeManifest,
  withCompression,
  type ArchiveEntry,
  type BlobSource,
} from "./image-parts.js";
import { prepareAll, prepareLayerBlob, Spool, transcodeTo, openVerified, type PreparedBlob } from "./layer-blobs.js";

export const OCI_LAYOUT_VERSION = "1.0.0";

// ---------------------------------------------------------------------------------------------
// Reading

/** A layout directory as a BlobSource: small reads and streams are verified against their digests. */
export class DirectorySource implements BlobSource {
  readonly where: string;
  constructor(private readonly dir: string) {
    this.where = `OCI layout ${dir}`;
  }
  private path(p: string): string {
    if (p.split("/").includes("..")) throw archiveCorrupt(`${this.where}: path ${JSON.stringify(p)} escapes the layout`, { entry: p });
    return join(this.dir, p);
  }
  async size(p: string): Promise<number | undefined> {
    try {
      const s = await stat(this.path(p));
      return s.isFile() ? s.size : undefined;
    } catch {
      return undefined;
    }
  }
  async read(p: string, expect?: Digest): Promise<Buffer> {
    const bytes = await readFile(this.path(p));
    if (expect !== undefined) {
      const got = digestOf(bytes, expect.startsWith("sha512:") ? "sha512" : "sha256");
      if (got !== expect) throw digestMismatch(p, expect, got);
    }
    return bytes;
  }
  open(p: string, expect?: { digest: Digest; size: number }): Readable {
    const s = createReadStream(this.path(p), { highWaterMark: 1 << 20 });
    if (!expect) return s;
    const check = new DigestTransform({ expect: { ...expect, what: `${this.where}: ${p}` } });
    s.on("error", (err) => check.destroy(err));
    return s.pipe(check);
  }
}

/** The names an index.json descriptor goes by: the full containerd name, else ref.name. */
function namesOf(d: Descriptor): string[] {
  const full = d.annotations?.[Annotation.ContainerdImageName];
  const ref = d.annotations?.[Annotation.RefName];
  if (full) return [full];
  return ref ? [ref] : [];
}

/**
 * The images index.json lists. Images inside a nested image index (multi-platform) are listed
 * without names; the index's own names go to its children only when it has exactly one image.
 * Entries of other media types (artifacts) are skipped; schema 1 manifests are refused.
 */
export async function imagesFromIndex(source: BlobSource): Promise<ArchiveEntry[]> {
  const layoutBytes = await source.size("oci-layout");
  if (layoutBytes !== undefined) {
    const layout = parseJson<{ imageLayoutVersion?: unknown }>(await readDocument(source, "oci-layout", source.where), "oci-layout");
    if (typeof layout.imageLayoutVersion !== "string" || !layout.imageLayoutVersion.startsWith("1.")) {
      throw archiveCorrupt(`oci-layout: unsupported imageLayoutVersion ${JSON.stringify(layout.imageLayoutVersion)}`, { entry: "oci-layout" });
    }
  }
  const index = parseIndex(await readDocument(source, "index.json", source.where), "index.json");
  const byDigest = new Map<Digest, ArchiveEntry>();
  const out: ArchiveEntry[] = [];
  const skipped: string[] = [];
  const visit = async (d: Descriptor, names: string[], where: string, depth: number): Promise<void> => {
    const info = classifyMediaType(d.mediaType, where);
    const path = blobPath(d.digest);
    if (info.kind === "manifest") {
      const existing = byDigest.get(d.digest);
      if (existing) {
        for (const n of names) if (!existing.tags.includes(n)) existing.tags.push(n);
        return;
      }
      const raw = await readDocument(source, path, where, d.digest);
      const entry: ArchiveEntry = { image: await imageFromManifest(source, raw, `${where} (${path})`, d.mediaType), tags: [...names] };
      byDigest.set(d.digest, entry);
      out.push(entry);
    } else if (info.kind === "index") {
      if (depth > 8) throw archiveCorrupt(`${where}: image indexes nested too deeply`, { entry: path });
      if ((await source.size(path)) === undefined) return;
      const child = parseIndex(await readDocument(source, path, where, d.digest), path);
      const present: Descriptor[] = [];
      for (const m of child.manifests) if ((await source.size(blobPath(m.digest))) !== undefined) present.push(m);
      for (const m of present) await visit(m, present.length === 1 ? names : [], `${path} → ${m.digest}`, depth + 1);
    } else {
      skipped.push(`${d.digest} (${d.mediaType})`);
    }
  };
  for (const [i, d] of index.manifests.entries()) await visit(d, namesOf(d), `index.json manifests[${i}]`, 0);
  if (out.length === 0 && skipped.length > 0) {
    throw new ArchiveError("unknown-media-type", `${source.where} holds no image kiln can read, only: ${skipped.join(", ")}`, { entry: "index.json" });
  }
  return out;
}

/** Reads an OCI layout directory. Blobs stay on disk; layers are verified as they are read. */
export async function readOciLayout(dir: string): Promise<ArchiveEntry[]> {
  const source = new DirectorySource(dir);
  if ((await source.size("oci-layout")) === undefined || (await source.size("index.json")) === undefined) {
    throw new KilnError("invalid-layout", `${dir} is not an OCI image layout: it needs the files oci-layout and index.json`);
  }
  try {
    return await imagesFromIndex(source);
  } catch (err) {
    throw asArchiveError(err, source.where);
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface OciLayoutInput {
  image: Image;
  /**
   * Names: a string is written verbatim as `org.opencontainers.image.ref.name` (what
   * `skopeo … oci:DIR:name` and `umoci --image DIR:name` match); a Reference as ref.name = its
   * tag plus io.containerd.image.name = the full name, as BuildKit and Docker write.
   */
  tags?: readonly (Reference | string)[];
}

/** What `onLayer` reports for every layer written. */
export interface LayerWritten {
  diffId: Digest;
  digest: Digest;
  size: number;
  mediaType: string;
  compression: Compression;
  /** False when the layer was compressed (or decompressed) for this write, or replaced by `reuse`. */
  unchanged: boolean;
  /** True when the blob came from `reuse` (nothing was compressed). */
  reused: boolean;
  /** The blob's bytes; valid only during the `onLayer` call (e.g. to keep a copy in a store). */
  open(): Promise<Readable>;
}

export interface WriteOciLayoutOptions {
  /** Layer compression (default gzip). zstd needs Node.js with zlib zstd: KilnError `unsupported-compression` otherwise. */
  compression?: Compression;
  /** gzip level 1–9 (default DEFAULT_GZIP_LEVEL, 4). */
  level?: number;
  /** Called once per distinct layer written, e.g. to remember diffId → compressed digest. */
  onLayer?: (layer: LayerWritten) => void | Promise<void>;
  /**
   * A copy of `layer` the caller already has in `compression` (a store's remembered gzip blob),
   * used instead of transcoding. Its diffId must be the layer's.
   */
  reuse?: (layer: Layer, compression: Compression) => Promise<Layer | undefined>;
  /** Where transcoded layers are spooled when writing a tar (default: the OS temp dir). */
  tmpDir?: string;
  sourceDateEpoch?: number;
}

export interface WrittenImage {
  digest: Digest;
  descriptor: Descriptor;
  tags: string[];
}

interface PlannedBlob {
  digest: Digest;
  size: number;
  /** Whole small blob, or a file / opener for layers. */
  bytes?: Buffer;
  open?: () => Promise<Readable>;
}

interface Plan {
  blobs: Map<Digest, PlannedBlob>;
  descriptors: Descriptor[];
  written: WrittenImage[];
}

function descriptorsFor(manifestDigest: Digest, size: number, mediaType: string, tags: readonly (Reference | string)[]): Descriptor[] {
  const base: Descriptor = { mediaType, digest: manifestDigest, size };
  if (tags.length === 0) return [base];
  return tags.map((t) => {
    const annotations: Record<string, string> = {};
    if (typeof t === "string") annotations[Annotation.RefName] = t;
    else {
      annotations[Annotation.ContainerdImageName] = t.toString();
      annotations[Annotation.RefName] = t.tag ?? t.digest!;
    }
    return { ...base, annotations };
  });
}

/**
 * Prepares every blob of every image: layers in the wanted compression (through `prepare`,
 * several at a time), configs, manifests; and the index.json descriptors.
 */
async function plan(
  entries: readonly OciLayoutInput[],
  options: WriteOciLayoutOptions,
  prepare: (layer: Layer) => Promise<PreparedBlob>,
): Promise<Plan> {
  const blobs = new Map<Digest, PlannedBlob>();
  const descriptors: Descriptor[] = [];
  const written: WrittenImage[] = [];
  const images = await Promise.all(entries.map(async (e) => ({ ...e, layers: await e.image.layers() })));
  const target = options.compression ?? "gzip";
  const withReuse = async (layer: Layer): Promise<PreparedBlob> => {
    if (options.reuse && compressionOf(layer.mediaType) !== target) {
      const copy = await options.reuse(layer, target);
      if (copy && copy.diffId === layer.diffId && compressionOf(copy.mediaType) === target) {
        return { digest: copy.digest, size: copy.size, diffId: layer.diffId, compression: target, sourceMediaType: layer.mediaType, unchanged: false, reused: true, open: () => openVerified(copy) };
      }
    }
    return prepare(layer);
  };
  const done = await prepareAll(images.flatMap((e) => e.layers), withReuse);
  const reported = new Set<Digest>();
  for (const { image, tags = [], layers } of images) {
    const manifest = await image.manifest();
    const mediaType = await image.mediaType();
    const rawConfig = await image.rawConfig();
    const configDigest = digestOf(rawConfig);
    blobs.set(configDigest, { digest: configDigest, size: rawConfig.byteLength, bytes: rawConfig });
    const layerDescs: Descriptor[] = [];
    let unchanged = classifyMediaType(mediaType).kind === "manifest" && mediaType === MediaType.OciManifest;
    for (const layer of layers) {
      const blob = done.get(layer.digest)!;
      if (!reported.has(layer.digest)) {
        reported.add(layer.digest);
        const b = blob;
        blobs.set(b.digest, { digest: b.digest, size: b.size, open: () => b.open() });
        await options.onLayer?.({
          diffId: b.diffId,
          digest: b.digest,
          size: b.size,
          mediaType: withCompression(b.sourceMediaType, "oci", b.compression),
          compression: b.compression,
          unchanged: b.unchanged,
          reused: b.reused === true,
          open: () => b.open(),
        });
      }
      if (!blob.unchanged) unchanged = false;
      const d: Descriptor = { mediaType: withCompression(blob.sourceMediaType, "oci", blob.compression), digest: blob.digest, size: blob.size };
      if (layer.urls?.length) d.urls = [...layer.urls];
      if (layer.annotations && Object.keys(layer.annotations).length > 0) d.annotations = { ...layer.annotations };
      layerDescs.push(d);
    }
    const raw = unchanged ? await image.rawManifest() : synthesizeManifest("oci", { digest: configDigest, size: rawConfig.byteLength }, layerDescs, manifest.annotations);
    const manifestDigest = digestOf(raw);
    blobs.set(manifestDigest, { digest: manifestDigest, size: raw.byteLength, bytes: raw });
    const descs = descriptorsFor(manifestDigest, raw.byteLength, MediaType.OciManifest, tags);
    descriptors.push(...descs);
    written.push({ digest: manifestDigest, descriptor: descs[0]!, tags: descs.map((d) => d.annotations?.[Annotation.RefName]).filter((t): t is string => !!t) });
  }
  return { blobs, descriptors, written };
}

function layoutFile(): Buffer {
  return Buffer.from(JSON.stringify({ imageLayoutVersion: OCI_LAYOUT_VERSION }));
}

function indexBytes(descriptors: Descriptor[]): Buffer {
  const index: Index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: descriptors };
  return canonicalJsonBytes(index);
}

async function writeFileAtomic(path: string, data: Buffer | (() => Promise<Readable>)): Promise<void> {
  const tmp = `${path}.kiln-${process.pid}-${Math.random().toString(36).slice(2)}.partial`;
  try {
    if (Buffer.isBuffer(data)) {
      const fh = await open(tmp, "w");
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
    } else {
      const ws = createWriteStream(tmp, { highWaterMark: 1 << 20 });
      await pipeline(await data(), ws);
      const fh = await open(tmp, "r+");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function exists(path: string, size: number): Promise<boolean> {
  try {
    const s = await stat(path);
    return s.isFile() && s.size === size;
  } catch {
    return false;
  }
}

/** Writes into (or adds to) a layout directory. */
async function writeToDirectory(dir: string, entries: readonly OciLayoutInput[], options: WriteOciLayoutOptions): Promise<WrittenImage[]> {
  const compression = options.compression ?? "gzip";
  const level = options.level ?? DEFAULT_GZIP_LEVEL;
  await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
  const layoutPath = join(dir, "oci-layout");
  if (!(await exists(layoutPath, layoutFile().byteLength))) {
    try {
      await stat(layoutPath);
    } catch {
      await writeFileAtomic(layoutPath, layoutFile());
    }
  }
  // Layers are transcoded straight into the blobs directory (temp name, then renamed to the digest).
  const prepare = async (layer: Layer): Promise<PreparedBlob> => {
    const from = classifyMediaType(layer.mediaType);
    const fromCompression = from.kind === "layer" ? from.compression : "none";
    if (fromCompression === compression) {
      return { digest: layer.digest, size: layer.size, diffId: layer.diffId, compression, sourceMediaType: layer.mediaType, unchanged: true, open: () => openVerified(layer) };
    }
    const tmp = join(dir, "blobs", "sha256", `.kiln-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const { digest, size } = await transcodeTo(layer, tmp, { compression, level, sync: true });
    const final = join(dir, blobPath(digest));
    await mkdir(join(final, ".."), { recursive: true });
    await rename(tmp, final);
    return { digest, size, diffId: layer.diffId, compression, sourceMediaType: layer.mediaType, unchanged: false, open: async () => createReadStream(final) };
  };
  const p = await plan(entries, options, prepare);
  for (const blob of p.blobs.values()) {
    const path = join(dir, blobPath(blob.digest));
    if (await exists(path, blob.size)) continue;
    await mkdir(join(path, ".."), { recursive: true });
    await writeFileAtomic(path, blob.bytes ?? blob.open!);
  }
  // Merge index.json: descriptors with a ref.name we write now are replaced.
  let existing: Descriptor[] = [];
  const indexPath = join(dir, "index.json");
  try {
    const raw = await readFile(indexPath);
    if (raw.byteLength > MAX_DOCUMENT_BYTES) throw archiveCorrupt(`${indexPath} is too large`);
    existing = parseIndex(raw, indexPath).manifests;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const names = new Set(p.descriptors.map((d) => d.annotations?.[Annotation.RefName]).filter((n): n is string => !!n));
  const newDigests = new Set(p.descriptors.map((d) => d.digest));
  const kept = existing.filter((d) => {
    const n = d.annotations?.[Annotation.RefName];
    if (n !== undefined) return !names.has(n);
    return !newDigests.has(d.digest); // an unnamed duplicate of what we write
  });
  await writeFileAtomic(indexPath, indexBytes([...kept, ...p.descriptors]));
  return p.written;
}

/** Streams a tar of a fresh layout to `out`. */
async function writeToStream(out: Writable, entries: readonly OciLayoutInput[], options: WriteOciLayoutOptions): Promise<WrittenImage[]> {
  const compression = options.compression ?? "gzip";
  const spool = new Spool(options.tmpDir);
  try {
    const p = await plan(entries, options, (layer) => prepareLayerBlob(layer, spool, { compression, level: options.level ?? DEFAULT_GZIP_LEVEL }));
    const tar: TarEntry[] = [
      { type: "file", path: "oci-layout", body: layoutFile() },
      { type: "file", path: "index.json", body: indexBytes(p.descriptors) },
      { type: "directory", path: "blobs" },
      { type: "directory", path: "blobs/sha256" },
    ];
    for (const blob of p.blobs.values()) {
      if (blob.bytes) tar.push({ type: "file", path: blobPath(blob.digest), body: blob.bytes });
      else tar.push({ type: "file", path: blobPath(blob.digest), size: blob.size, body: blob.open! });
    }
    await pipeline(createTar(tar, options.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: options.sourceDateEpoch }), out);
    return p.written;
  } finally {
    await spool.cleanup();
  }
}

/**
 * Writes images as an OCI layout: into directory `target` (created or added to), or as a tar
 * streamed to a Writable (which is ended).
 */
export async function writeOciLayout(target: string | Writable, entries: readonly OciLayoutInput[], options: WriteOciLayoutOptions = {}): Promise<WrittenImage[]> {
  requireCompression(options.compression ?? "gzip", "zstd layer compression");
  return typeof target === "string" ? writeToDirectory(target, entries, options) : writeToStream(target, entries, options);
}
