/** Layers the executor makes: a tar stream put into the store, and layers read back by reference. */
import type { Readable } from "node:stream";
import type { ImageStore } from "../../cache/types.js";
import { MediaType } from "../../image/media-types.js";
import { layerFromOpener, type Layer } from "../../image/layer.js";
import type { Digest } from "../../image/digest.js";
import type { LayerRef } from "./cache.js";

/** Stores an uncompressed layer tar (a stream, or a small one whole); its digest is its diffId. */
export async function putLayer(store: ImageStore, tar: Readable | Buffer, what: string): Promise<LayerRef> {
  // nothing names the layer until the image is written, whose commit fsyncs blobs/ before
  // index.json: one wait for the disk less per step (a crash loses at most the step result)
  const blob = await store.putBlob(tar, { what, deferDirSync: true });
  return { digest: blob.digest, size: blob.size, diffId: blob.digest, mediaType: MediaType.OciLayer };
}

/** The store's layer for a reference (opened and verified on demand). */
export function layerOf(store: ImageStore, ref: LayerRef): Promise<Layer> {
  return layerFromOpener(() => store.getBlob(ref.digest as Digest, { size: ref.size }), {
    digest: ref.digest as Digest,
    size: ref.size,
    diffId: ref.diffId as Digest,
    mediaType: ref.mediaType,
  });
}
