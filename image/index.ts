/**
 * image/: OCI and Docker image types, lazy Image/Layer/ImageIndex values, mutation helpers that
 * return new values, deterministic tar writing with whiteouts, digests and image references.
 * Knows nothing of Dockerfiles; imports only util/ and node/npm packages.
 */
export * from "./types.js";
export * from "./media-types.js";
export * from "./digest.js";
export * from "./reference.js";
export * from "./canonical-json.js";
export * from "./tar.js";
export * from "./whiteout.js";
export * from "./layer.js";
export * from "./image.js";
export * from "./mutate.js";
export * from "./tar-read.js";
export * from "./flatten.js";
