/**
 * OCI image-spec documents (and Docker's schema 2 equivalents, which share their shape).
 * Field names are the wire names. Parsed documents may carry fields not listed here; kiln keeps
 * them when it copies a document and never relies on them.
 */
import type { Digest } from "./digest.js";

/** Annotations and labels: string to string. */
export type StringMap = Record<string, string>;

/** Where a manifest runs. Docker manifest lists use the same shape (plus `features`). */
export interface Platform {
  architecture: string;
  os: string;
  "os.version"?: string;
  "os.features"?: string[];
  variant?: string;
  /** Docker manifest lists only; reserved in OCI. */
  features?: string[];
}

/** A typed pointer to content: the edges of the image graph. */
export interface Descriptor {
  mediaType: string;
  digest: Digest;
  size: number;
  urls?: string[];
  annotations?: StringMap;
  /** Base64 of the content itself, for tiny blobs. */
  data?: string;
  /** Only in index entries. */
  platform?: Platform;
  artifactType?: string;
}

/** OCI image manifest / Docker image manifest v2 schema 2. */
export interface Manifest {
  schemaVersion: 2;
  /** Required by Docker, SHOULD in OCI. */
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: StringMap;
}

/** OCI image index / Docker manifest list. */
export interface Index {
  schemaVersion: 2;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: StringMap;
}

/**
 * HEALTHCHECK, as Docker stores it. Durations are nanoseconds; 0 means "inherit/default".
 * Test: `[]` inherit, `["NONE"]` disabled, `["CMD", args…]`, `["CMD-SHELL", command]`.
 */
export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/**
 * The execution parameters of an image (`config` in the config JSON). The OCI fields plus
 * Docker's superset (Healthcheck, OnBuild, Shell), which kiln keeps even under OCI media types,
 * as BuildKit and Podman do.
 */
export interface ContainerConfig {
  User?: string;
  /** Keys like `80/tcp`; values are always `{}`. */
  ExposedPorts?: Record<string, Record<string, never>>;
  /** `KEY=value` strings, in order. */
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  /** Keys are absolute paths; values are always `{}`. */
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: StringMap;
  StopSignal?: string;
  /** Windows only, deprecated in OCI; kept when read. */
  ArgsEscaped?: boolean;
  // Docker superset
  Healthcheck?: HealthConfig;
  /** Raw ONBUILD trigger lines, in order. */
  OnBuild?: string[];
  /** The SHELL instruction's argv. */
  Shell?: string[];
}

export interface History {
  /** RFC 3339 time. */
  created?: string;
  author?: string;
  created_by?: string;
  comment?: string;
  /** True when this step made no layer (ENV, LABEL…). */
  empty_layer?: boolean;
}

export interface RootFS {
  type: "layers";
  /** The digests of the uncompressed layer tars, base first. */
  diff_ids: Digest[];
}

/** The image configuration JSON (OCI `config.v1+json`, Docker `container.image.v1+json`). */
export interface ImageConfig {
  /** RFC 3339 time the image was made. */
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  "os.version"?: string;
  "os.features"?: string[];
  variant?: string;
  config?: ContainerConfig;
  rootfs: RootFS;
  history?: History[];
}

/** Well-known annotation keys. */
export const Annotation = {
  /** Tag of a manifest in an OCI layout's index.json. */
  RefName: "org.opencontainers.image.ref.name",
  Created: "org.opencontainers.image.created",
  BaseName: "org.opencontainers.image.base.name",
  BaseDigest: "org.opencontainers.image.base.digest",
  /** containerd/`docker save` image name in index.json. */
  ContainerdImageName: "io.containerd.image.name",
  /** BuildKit attestation manifests: `attestation-manifest` … */
  DockerReferenceType: "vnd.docker.reference.type",
  /** … and the digest of the image they describe. */
  DockerReferenceDigest: "vnd.docker.reference.digest",
} as const;
