/**
 * docker-archive: what `docker save` writes and `docker load` reads.
 *
 * Written (the classic layout every Docker since 1.10, Podman and skopeo read):
 *
 *   <diffId hex>/layer.tar     one uncompressed layer tar per distinct layer
 *   <config hex>.json          the image config, byte for byte
 *   manifest.json              [{"Config": "<hex>.json", "RepoTags": ["name:tag"] | null, "Layers": [...]}]
 *   repositories               {"name": {"tag": "<top layer dir>"}} (legacy; Docker ignores it beside manifest.json)
 *
 * Entries are sorted and timestamps fixed, so the same images give the same bytes. Layers that
 * are compressed in the source are decompressed into a spool file first (a tar header needs the
 * size before the body).
 *
 * Read: the classic layout and the OCI-based one Docker 25+ writes (blobs/sha256/…, index.json
 * and oci-layout beside manifest.json; the exact OCI manifests are kept when index.json has
 * them), gzip'ed archives, and gzip'ed layer tars inside. See archive.ts for the entry point.
 */
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { KilnError } from "../../util/errors.js";
import { digestHex, digestOf, type Digest } from "../digest.js";
import type { Image } from "../image.js";
import { layerFromOpener, type Layer } from "../layer.js";
import { classifyMediaType, layerMediaType, MediaType } from "../media-types.js";
import { parseReference, Reference } from "../reference.js";
import { createTar, type TarEntry } from "../tar.js";
import type { Descriptor, Index } from "../types.js";
import { archiveCorrupt, digestMismatch, missingBlob } from "./errors.js";
import {
  blobPath,
  imageFromManifest,
  parseConfig,
  parseIndex,
  parseJson,
  readDocument,
  StoredImage,
  synthesizeManifest,
  type ArchiveEntry,
} from "./image-parts.js";
import { prepareAll, prepareLayerBlob, Spool, type PreparedBlob } from "./layer-blobs.js";
import type { SpooledArchive } from "./tar-reader.js";

/** One item of manifest.json. */
export interface DockerManifestItem {
  Config: string;
  RepoTags: string[] | null;
  Layers: string[];
  Parent?: string;
  LayerSources?: Record<string, Descriptor>;
}

export interface DockerArchiveInput {
  image: Image;
  /** Names to load the image as; Docker stores only `name:tag` (a digest alone is refused). */
  tags?: readonly (Reference | string)[];
}

export interface WriteDockerArchiveOptions {
  /** Where compressed layers are decompressed before writing (default: the OS temp dir). */
  tmpDir?: string;
  /** Clamps the archive's own entry times (they are the epoch otherwise). */
  sourceDateEpoch?: number;
}

function repoTag(tag: Reference | string): Reference {
  const ref = typeof tag === "string" ? parseReference(tag) : tag;
  if (ref.tag === undefined) {
    throw new KilnError("invalid-reference", `a docker-archive names images by tag; ${ref.toString()} has only a digest`);
  }
  return ref.digest === undefined ? ref : ref.withTag(ref.tag);
}

/**
 * Streams a docker-archive of `entries` to `out` (which is ended). Layers shared between images
 * are written once. Source blobs are verified while they stream; a mismatch fails the write.
 */
export async function writeDockerArchive(entries: readonly DockerArchiveInput[], out: Writable, options: WriteDockerArchiveOptions = {}): Promise<void> {
  const spool = new Spool(options.tmpDir);
  try {
    const tar: TarEntry[] = [];
    const layers = new Map<Digest, PreparedBlob>();
    const configs = new Set<Digest>();
    const manifest: DockerManifestItem[] = [];
    const repositories: Record<string, Record<string, string>> = {};
    const images = await Promise.all(entries.map(async (e) => ({ ...e, layers: await e.image.layers() })));
    const prepared = await prepareAll(images.flatMap((e) => e.layers), (layer) => prepareLayerBlob(layer, spool, { compression: "none" }));
    for (const { image, tags = [], layers: imageLayers } of images) {
      const rawConfig = await image.rawConfig();
      const configDigest = digestOf(rawConfig);
      const configPath = `${digestHex(configDigest)}.json`;
      if (!configs.has(configDigest)) {
        configs.add(configDigest);
        tar.push({ type: "file", path: configPath, body: rawConfig });
      }
      const paths: string[] = [];
      for (const layer of imageLayers) {
        let blob = layers.get(layer.diffId);
        if (!blob) {
          blob = prepared.get(layer.digest)!;
          layers.set(layer.diffId, blob);
          const dir = digestHex(layer.diffId);
          const b = blob;
          tar.push({ type: "directory", path: dir });
          tar.push({ type: "file", path: `${dir}/layer.tar`, size: b.size, body: () => b.open() });
        }
        paths.push(`${digestHex(layer.diffId)}/layer.tar`);
      }
      const refs = tags.map(repoTag);
      manifest.push({ Config: configPath, RepoTags: refs.length > 0 ? refs.map((r) => r.familiarName()) : null, Layers: paths });
      const top = paths.length > 0 ? paths[paths.length - 1]!.slice(0, -"/layer.tar".length) : digestHex(configDigest);
      for (const r of refs) (repositories[r.familiarRepository()] ??= {})[r.tag!] = top;
    }
    tar.push({ type: "file", path: "manifest.json", body: Buffer.from(JSON.stringify(manifest)) });
    tar.push({ type: "file", path: "repositories", body: Buffer.from(JSON.stringify(repositories)) });
    const tarOptions = options.sourceDateEpoch === undefined ? {} : { sourceDateEpoch: options.sourceDateEpoch };
    await pipeline(createTar(tar, tarOptions), out);
  } finally {
    await spool.cleanup();
  }
}

const HEX_JSON = /^(?:sha256:)?([a-f0-9]{64})(?:\.json)?$/;

/** Image manifests reachable from an OCI index.json inside the archive, by config digest. */
async function ociManifestsByConfig(source: SpooledArchive): Promise<Map<Digest, { raw: Buffer; mediaType: string }>> {
  const found = new Map<Digest, { raw: Buffer; mediaType: string }>();
  if ((await source.size("index.json")) === undefined) return found;
  const seen = new Set<string>();
  const walk = async (index: Index, depth: number): Promise<void> => {
    for (const d of index.manifests) {
      if (seen.has(d.digest) || depth > 8) continue;
      seen.add(d.digest);
      const path = blobPath(d.digest);
      if ((await source.size(path)) === undefined) continue; // other platforms are often left out
      const info = classifyMediaType(d.mediaType, path);
      const raw = await readDocument(source, path, "index.json", d.digest);
      if (info.kind === "index") await walk(parseIndex(raw, path), depth + 1);
      else if (info.kind === "manifest") {
        const m = parseJson<{ config?: { digest?: Digest } }>(raw, path);
        if (m.config?.digest) found.set(m.config.digest, { raw, mediaType: d.mediaType });
      }
    }
  };
  await walk(parseIndex(await readDocument(source, "index.json", source.where), "index.json"), 0);
  return found;
}

/** The images a docker-archive's manifest.json lists. */
export async function imagesFromDockerManifest(source: SpooledArchive): Promise<ArchiveEntry[]> {
  const items = parseJson<DockerManifestItem[]>(await readDocument(source, "manifest.json", source.where), "manifest.json");
  if (!Array.isArray(items)) throw archiveCorrupt("manifest.json is not a list of images", { entry: "manifest.json" });
  const oci = await ociManifestsByConfig(source);
  const out: ArchiveEntry[] = [];
  for (const [n, item] of items.entries()) {
    const where = `manifest.json[${n}]`;
    if (!item || typeof item.Config !== "string" || !Array.isArray(item.Layers) || item.Layers.some((l) => typeof l !== "string")) {
      throw archiveCorrupt(`${where} needs Config and Layers`, { entry: "manifest.json" });
    }
    const tags = Array.isArray(item.RepoTags) ? item.RepoTags.filter((t): t is string => typeof t === "string") : [];
    const rawConfig = await readDocument(source, item.Config, where);
    const configDigest = digestOf(rawConfig);
    const named = HEX_JSON.exec(item.Config.split("/").pop()!);
    if (named && `sha256:${named[1]}` !== configDigest) throw digestMismatch(item.Config, `sha256:${named[1]}`, configDigest, "config");
    const config = parseConfig(rawConfig, item.Config);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== item.Layers.length) {
      throw archiveCorrupt(`${where}: ${item.Layers.length} layers but config ${item.Config} lists ${diffIds.length} diff_ids`, { entry: "manifest.json" });
    }
    const exact = oci.get(configDigest);
    if (exact) {
      out.push({ image: await imageFromManifest(source, exact.raw, `${where} (${blobPath(digestOf(exact.raw))})`, exact.mediaType), tags });
      continue;
    }
    const layers: Layer[] = [];
    for (const [i, path] of item.Layers.entries()) {
      const size = await source.size(path);
      if (size === undefined) throw missingBlob(path, where);
      const digest = source.knownDigest!(path)!;
      const compression = source.knownCompression!(path) ?? "none";
      const diffId = diffIds[i]!;
      const actual = compression === "none" ? digest : source.knownDiffId!(path);
      if (actual !== undefined && actual !== diffId) throw digestMismatch(path, diffId, actual, "layer");
      layers.push(await layerFromOpener(() => source.open(path), { mediaType: layerMediaType("docker", compression), digest, size, diffId }));
    }
    const raw = synthesizeManifest("docker", { digest: configDigest, size: rawConfig.byteLength }, layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })));
    out.push({ image: new StoredImage(MediaType.DockerManifest, raw, rawConfig, layers, where), tags });
  }
  return out;
}
