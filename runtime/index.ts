/**
 * runtime/: what runs every RUN step with no daemon: the one safe path join, layer unpacking
 * into snapshots, rootfs assembly (overlayfs, or the copy snapshotter), the namespace sandbox
 * and the diff of a run's changes into a deterministic OCI layer. See docs/runtime.md.
 */
export * from "./resolve.js";
export * from "./helper.js";
export * from "./state.js";
export * from "./sandbox.js";
export * from "./busybox.js";
export * from "./unpack.js";
export * from "./diff.js";
export * from "./snapshots.js";
export * from "./containers.js";
export * from "./oci.js";
