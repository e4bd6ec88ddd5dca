/**
 * cache/: everything persistent under KILN_ROOT. Today: the content store (an OCI image layout),
 * its locks and garbage collection. See README.md in this folder.
 */
export * from "./types.js";
export * from "./paths.js";
export { acquireLock, withFileLock, type HeldLock, type LockOptions } from "./lock.js";
export { LayoutStore, openStore, LAYOUT_VERSION, type OpenStoreOptions } from "./store.js";
export { storeImage, checkManifest, checkIndex, parseJsonDocument } from "./store-image.js";
export { entryName, nameAnnotations, parseTagName } from "./names.js";
