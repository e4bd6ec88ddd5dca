/** Layers the executor makes: a tar stream put into the store, and layers read back by reference. */
import { PassThrough, type Readable } from "node:stream";
import type { ImageStore } from "../../cache/types.js";
import { MediaType } from "../../image/media-types.js";
import { layerFromOpener, type Layer } from "../../image/layer.js";
import type { Digest } from "../../image/digest.js";
import type { Chain, Snapshotter } from "../../runtime/snapshots.js";
import type { LayerRef } from "./cache.js";

/** Stores an uncompressed layer tar; its digest is its diffId. */
export async function putLayer(store: ImageStore, tar: Readable, what: string): Promise<LayerRef> {
  const blob = await store.putBlob(tar, { what });
  return { digest: blob.digest, size: blob.size, diffId: blob.digest, mediaType: MediaType.OciLayer };
}

/**
 * `putLayer`, and the same bytes unpacked as they pass into a snapshot on top of `parent`
 * (`Snapshotter.prepareFrom`), so that the next step's rootfs needs no second read and unpack
 * of the blob. The snapshot is a shortcut only: when its unpack fails, the layer is stored all
 * the same and the next step unpacks the blob as usual.
 */
export async function putLayerWithSnapshot(store: ImageStore, tar: Readable, what: string, snapshotter: Snapshotter, parent: Chain): Promise<LayerRef> {
  const toStore = new PassThrough({ highWaterMark: 1 << 20 });
  const toSnapshot = new PassThrough({ highWaterMark: 1 << 20 });
  toSnapshot.on("error", () => {});
  tar.on("error", (err) => toStore.destroy(err));
  tar.pipe(toStore);
  tar.pipe(toSnapshot);
  const unpacked = snapshotter.prepareFrom(parent, toSnapshot).catch(() => {
    // keep the store's branch flowing: the source waits for its slowest destination
    tar.unpipe(toSnapshot);
    toSnapshot.resume();
    return undefined;
  });
  try {
    return await putLayer(store, toStore, what);
  } finally {
    await unpacked;
  }
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
