/** The store's public types: what `ImageStore` implementations (and the conformance suite) share. */
import type { Readable } from "node:stream";
import type { Compression, Digest, Image, ImageIndex, Layer, Reference } from "../image/index.js";
import type { StorePaths } from "./paths.js";

export interface BlobInfo {
  readonly digest: Digest;
  readonly size: number;
}

/** What putBlob accepts: a stream, async chunks, or bytes (strings are UTF-8). */
export type BlobSource = Readable | AsyncIterable<Uint8Array> | Uint8Array | string;

export interface PutBlobOptions {
  /** Refuse (KilnError `digest-mismatch`, nothing kept) unless the bytes hash to this. */
  expected?: Digest | { digest: Digest; size?: number };
  /** Names the content in error messages ("layer 2 of busybox:latest"). */
  what?: string;
  /**
   * Called once the bytes matched `expected`, before the blob is committed: a throw keeps
   * nothing. For checks made while the bytes streamed by (a pull's diff_id of a gzip layer).
   */
  verify?: () => void | Promise<void>;
  /**
   * Called with the digest and size once every byte is hashed and checked, before the blob is
   * made durable: for a reader that needs only the digest (an upload's final PUT need not wait
   * for the fsyncs). putBlob's own result still says whether the blob was kept.
   */
  hashed?: (blob: BlobInfo) => void;
  /**
   * The blob's own bytes are fsynced before its rename as always, but the fsync of blobs/ that
   * makes the rename durable is left to the next image commit (which always fsyncs blobs/ before
   * replacing index.json) or close(). For blobs nothing names until an image is written at the
   * end: a build's step layers (a step result whose blob vanished in a crash is a cache miss).
   */
  deferDirSync?: boolean;
}

/** One stored image or index (one manifest digest) and every name that points at it. */
export interface ImageRecord {
  /** Manifest (or index) digest. */
  readonly digest: Digest;
  readonly mediaType: string;
  /** Manifest size in bytes. */
  readonly size: number;
  readonly kind: "image" | "index";
  /** Image ID: the config digest (for an index, its own digest), as Docker shows it. */
  readonly id: Digest;
  /** Normalised names, sorted; empty for a dangling image. */
  readonly names: readonly Reference[];
}

export interface WriteOptions {
  /** Names to give the image (moved from other images that had them). */
  names?: readonly (string | Reference)[];
}

export interface PruneOptions {
  /** Only report what would be removed. */
  dryRun?: boolean;
}

export interface PruneResult {
  readonly blobs: readonly BlobInfo[];
  readonly reclaimedBytes: number;
  /** Temp files of dead processes that were removed. */
  readonly tempFiles: number;
}

export interface StoreUsage {
  readonly images: number;
  readonly namedImages: number;
  readonly blobs: number;
  readonly blobBytes: number;
  /** Bytes of blobs reachable from index.json (and remembered compressed copies of live layers). */
  readonly referencedBytes: number;
  /** Bytes `kiln system prune` would free now. */
  readonly unreferencedBytes: number;
  /** Bytes in blobs only dangling images use. */
  readonly danglingBytes: number;
  readonly tempBytes: number;
}

/** The graph prune walks: each root's descendants. */
export interface ReferenceGraph {
  /** Manifest digests listed in index.json. */
  readonly roots: readonly Digest[];
  /** Blob → the blobs it points to (manifest → config + layers, index → manifests). */
  readonly edges: ReadonlyMap<Digest, readonly Digest[]>;
  /** Every blob reachable from a root (roots included). */
  readonly reachable: ReadonlySet<Digest>;
  /** Reachable digests whose blob is missing. */
  readonly missing: ReadonlySet<Digest>;
}

export interface ImageStore {
  readonly root: string;
  readonly paths: StorePaths;

  // blobs
  putBlob(source: BlobSource, options?: PutBlobOptions): Promise<BlobInfo>;
  /** A stream of the blob that fails (KilnError `digest-mismatch`) at its end unless the bytes verify. */
  getBlob(digest: Digest, options?: { size?: number; what?: string }): Promise<Readable>;
  /** A whole small blob (manifest, config), verified. */
  readBlob(digest: Digest, options?: { size?: number; what?: string }): Promise<Buffer>;
  hasBlob(digest: Digest): Promise<boolean>;
  /** Deletes these blobs unless index.json reaches them: undoes a failed operation's putBlob calls. */
  discardBlobs(digests: readonly Digest[]): Promise<void>;
  /** A fresh path under tmp/ named after this process, for spool files (cleaned if the process dies). */
  tempPath(kind: string): string;

  // images
  writeImage(image: Image, options?: WriteOptions): Promise<ImageRecord>;
  writeIndex(index: ImageIndex, options?: WriteOptions): Promise<ImageRecord>;
  listImages(): Promise<ImageRecord[]>;
  /** A name, `name@digest`, a full digest or an ID prefix → the record (KilnError `image-not-found`, `ambiguous-image-id`). */
  resolve(nameOrId: string): Promise<ImageRecord>;
  /** The lazy image for a record or anything resolve accepts; an index resolves to its linux image for this machine. */
  image(target: string | ImageRecord): Promise<Image>;
  tag(source: string | ImageRecord, target: string | Reference): Promise<ImageRecord>;
  /** Removes a name; the image stays (dangling when it was the last name). Returns the record as it was. */
  untag(name: string | Reference): Promise<ImageRecord>;
  /** Removes every entry of the image and then the blobs nothing else uses. Returns the removed blobs. */
  deleteImage(digest: Digest): Promise<BlobInfo[]>;

  // compression (principle 10)
  /** The remembered compressed copy of an uncompressed layer, if its blob is still present. */
  compressedBlob(diffId: Digest, compression: Exclude<Compression, "none">): Promise<BlobInfo | undefined>;
  recordCompressed(diffId: Digest, compression: Exclude<Compression, "none">, blob: BlobInfo): Promise<void>;
  /** The layer in the given compression: reused from the mapping, or compressed, stored and remembered. */
  compressLayer(layer: Layer, compression: Compression, options?: CompressOptions): Promise<Layer>;

  // maintenance
  references(): Promise<ReferenceGraph>;
  prune(options?: PruneOptions): Promise<PruneResult>;
  usage(): Promise<StoreUsage>;
  /** Runs `fn` holding the store lock (re-entrant within one async call chain). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** Drops this process's lease; call when done. */
  close(): Promise<void>;
}

export interface CompressOptions {
  /**
   * When the layer is compressed now (no remembered copy), the compressed bytes also go to this
   * stream as they are made (backpressure honoured), e.g. an upload whose digest is given at its
   * end. It is ended after the last byte and destroyed if compression fails; if it fails itself,
   * the store's copy goes on. Not written to when a remembered copy is used.
   */
  copyTo?: NodeJS.WritableStream & { destroy(err?: Error): unknown; readonly writableEnded: boolean; readonly destroyed: boolean };
  /**
   * With `copyTo`: called with the compressed blob's digest and size as soon as the last byte is
   * hashed, before the store's copy is durable and remembered (putBlob's `hashed`).
   */
  onDigest?: (blob: BlobInfo) => void;
}
