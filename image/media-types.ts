/**
 * Every media type kiln meets in images, and one classifier. Docker schema 1 is recognised only
 * to be refused with a clear error.
 */
import { KilnError } from "../util/errors.js";

export const MediaType = {
  // OCI image spec
  OciDescriptor: "application/vnd.oci.descriptor.v1+json",
  OciLayoutHeader: "application/vnd.oci.layout.header.v1+json",
  OciIndex: "application/vnd.oci.image.index.v1+json",
  OciManifest: "application/vnd.oci.image.manifest.v1+json",
  OciConfig: "application/vnd.oci.image.config.v1+json",
  OciEmpty: "application/vnd.oci.empty.v1+json",
  OciLayer: "application/vnd.oci.image.layer.v1.tar",
  OciLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  OciLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  /** Deprecated by the spec; still read. */
  OciLayerNondistributable: "application/vnd.oci.image.layer.nondistributable.v1.tar",
  OciLayerNondistributableGzip: "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  OciLayerNondistributableZstd: "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",

  // Docker image manifest v2, schema 2
  DockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  DockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  DockerConfig: "application/vnd.docker.container.image.v1+json",
  DockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
  DockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  /** Not in Docker's spec, written by containerd/BuildKit for zstd layers. */
  DockerLayerZstd: "application/vnd.docker.image.rootfs.diff.tar.zstd",
  DockerForeignLayer: "application/vnd.docker.image.rootfs.foreign.diff.tar",
  DockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  DockerPluginConfig: "application/vnd.docker.plugin.v1+json",

  // Docker schema 1: refused
  DockerSchema1Manifest: "application/vnd.docker.distribution.manifest.v1+json",
  DockerSchema1SignedManifest: "application/vnd.docker.distribution.manifest.v1+prettyjws",

  // Attestations BuildKit attaches to indexes (carried, not interpreted)
  InToto: "application/vnd.in-toto+json",
} as const;

export type KnownMediaType = (typeof MediaType)[keyof typeof MediaType];

/** Which vocabulary a manifest, index, config or layer belongs to. */
export type ManifestFormat = "oci" | "docker";
export type Compression = "none" | "gzip" | "zstd";

export type MediaTypeInfo =
  | { kind: "index"; format: ManifestFormat }
  | { kind: "manifest"; format: ManifestFormat }
  | { kind: "config"; format: ManifestFormat }
  | { kind: "layer"; format: ManifestFormat; compression: Compression; distributable: boolean }
  /** The OCI empty descriptor (`{}`), used as the config of artifacts. */
  | { kind: "empty" }
  /** Anything else (artifacts, attestations, plugin configs): carried, never interpreted. */
  | { kind: "other" };

const TABLE: ReadonlyMap<string, MediaTypeInfo> = new Map<string, MediaTypeInfo>([
  [MediaType.OciIndex, { kind: "index", format: "oci" }],
  [MediaType.OciManifest, { kind: "manifest", format: "oci" }],
  [MediaType.OciConfig, { kind: "config", format: "oci" }],
  [MediaType.OciEmpty, { kind: "empty" }],
  [MediaType.OciLayer, { kind: "layer", format: "oci", compression: "none", distributable: true }],
  [MediaType.OciLayerGzip, { kind: "layer", format: "oci", compression: "gzip", distributable: true }],
  [MediaType.OciLayerZstd, { kind: "layer", format: "oci", compression: "zstd", distributable: true }],
  [MediaType.OciLayerNondistributable, { kind: "layer", format: "oci", compression: "none", distributable: false }],
  [MediaType.OciLayerNondistributableGzip, { kind: "layer", format: "oci", compression: "gzip", distributable: false }],
  [MediaType.OciLayerNondistributableZstd, { kind: "layer", format: "oci", compression: "zstd", distributable: false }],
  [MediaType.DockerManifestList, { kind: "index", format: "docker" }],
  [MediaType.DockerManifest, { kind: "manifest", format: "docker" }],
  [MediaType.DockerConfig, { kind: "config", format: "docker" }],
  [MediaType.DockerLayer, { kind: "layer", format: "docker", compression: "none", distributable: true }],
  [MediaType.DockerLayerGzip, { kind: "layer", format: "docker", compression: "gzip", distributable: true }],
  [MediaType.DockerLayerZstd, { kind: "layer", format: "docker", compression: "zstd", distributable: true }],
  [MediaType.DockerForeignLayer, { kind: "layer", format: "docker", compression: "none", distributable: false }],
  [MediaType.DockerForeignLayerGzip, { kind: "layer", format: "docker", compression: "gzip", distributable: false }],
]);

const SCHEMA1 = new Set<string>([MediaType.DockerSchema1Manifest, MediaType.DockerSchema1SignedManifest]);

/** Strips parameters and case (`Application/…+json; charset=utf-8` → `application/…+json`), as HTTP Content-Type may carry them. */
export function normalizeMediaType(mediaType: string): string {
  const semi = mediaType.indexOf(";");
  return (semi < 0 ? mediaType : mediaType.slice(0, semi)).trim().toLowerCase();
}

export function isSchema1MediaType(mediaType: string): boolean {
  return SCHEMA1.has(normalizeMediaType(mediaType));
}

/**
 * Throws KilnError `unsupported-schema1` for Docker schema 1 manifests. `where` names what was
 * being read (a reference, a file) so the message points at it.
 */
export function refuseSchema1(mediaType: string, where?: string): void {
  if (!isSchema1MediaType(mediaType)) return;
  const subject = where ? `${where} is` : "this image is";
  throw new KilnError(
    "unsupported-schema1",
    `${subject} a Docker image manifest schema 1 (${normalizeMediaType(mediaType)}), which is deprecated and not supported; ` +
      "push it again with a current Docker, Podman or skopeo to convert it to schema 2 or OCI",
  );
}

/**
 * What a media type is. Unknown types classify as `other`; schema 1 manifests throw
 * KilnError `unsupported-schema1`.
 */
export function classifyMediaType(mediaType: string, where?: string): MediaTypeInfo {
  refuseSchema1(mediaType, where);
  return TABLE.get(normalizeMediaType(mediaType)) ?? { kind: "other" };
}

export function isIndexMediaType(mediaType: string): boolean {
  return TABLE.get(normalizeMediaType(mediaType))?.kind === "index";
}

export function isManifestMediaType(mediaType: string): boolean {
  return TABLE.get(normalizeMediaType(mediaType))?.kind === "manifest";
}

export function isConfigMediaType(mediaType: string): boolean {
  return TABLE.get(normalizeMediaType(mediaType))?.kind === "config";
}

export function isLayerMediaType(mediaType: string): boolean {
  return TABLE.get(normalizeMediaType(mediaType))?.kind === "layer";
}

/** The compression of a layer media type; throws KilnError `not-a-layer` for anything else. */
export function layerCompression(mediaType: string): Compression {
  const info = TABLE.get(normalizeMediaType(mediaType));
  if (info?.kind !== "layer") throw new KilnError("not-a-layer", `media type ${JSON.stringify(mediaType)} is not a layer media type`);
  return info.compression;
}

/** The distributable layer media type of a format and compression. */
export function layerMediaType(format: ManifestFormat, compression: Compression): string {
  if (format === "oci") {
    return compression === "none" ? MediaType.OciLayer : compression === "gzip" ? MediaType.OciLayerGzip : MediaType.OciLayerZstd;
  }
  return compression === "none" ? MediaType.DockerLayer : compression === "gzip" ? MediaType.DockerLayerGzip : MediaType.DockerLayerZstd;
}

/**
 * The same layer described in another format's vocabulary (compression and distributability kept).
 * Non-layer media types are returned unchanged.
 */
export function convertLayerMediaType(mediaType: string, format: ManifestFormat): string {
  const info = TABLE.get(normalizeMediaType(mediaType));
  if (info?.kind !== "layer" || info.format === format) return mediaType;
  if (info.distributable) return layerMediaType(format, info.compression);
  if (format === "oci") {
    return info.compression === "none" ? MediaType.OciLayerNondistributable
      : info.compression === "gzip" ? MediaType.OciLayerNondistributableGzip
      : MediaType.OciLayerNondistributableZstd;
  }
  // Docker has no zstd foreign layer type; keep the OCI one rather than lie about compression.
  if (info.compression === "zstd") return mediaType;
  return info.compression === "none" ? MediaType.DockerForeignLayer : MediaType.DockerForeignLayerGzip;
}

export function manifestMediaType(format: ManifestFormat): string {
  return format === "oci" ? MediaType.OciManifest : MediaType.DockerManifest;
}

export function indexMediaType(format: ManifestFormat): string {
  return format === "oci" ? MediaType.OciIndex : MediaType.DockerManifestList;
}

export function configMediaType(format: ManifestFormat): string {
  return format === "oci" ? MediaType.OciConfig : MediaType.DockerConfig;
}

/** Manifest and index types kiln reads, for a registry `Accept` header (schema 1 deliberately absent). */
export const ACCEPTED_MANIFEST_MEDIA_TYPES: readonly string[] = [
  MediaType.OciIndex,
  MediaType.OciManifest,
  MediaType.DockerManifestList,
  MediaType.DockerManifest,
];
