/**
 * registry/: the OCI distribution client. Auth (anonymous, Basic, Bearer; Docker config and
 * credential helpers), pull into and push from the store speaking `Image`/`ImageIndex`, retries,
 * resumed downloads, digest verification. See docs/registry.md.
 *
 *   const client = new RegistryClient({ insecureRegistries, caFiles, env });
 *   await pullImage(client, store, "busybox:latest", { platform: "linux/arm64", onProgress });
 *   await pushFromStore(client, store, "localhost:5000/app:1", { compression: "gzip" });
 *   await pushImage(client, image, "host/app:1", { store });     // any Image
 *   client.close();
 */
export * from "./client.js";
export * from "./auth.js";
export * from "./credentials.js";
export * from "./platform.js";
export * from "./progress.js";
export * from "./pull.js";
export * from "./push.js";
export * from "./cache.js";
export { redact, displayUrl } from "./redact.js";
export { Transport, isLoopbackHost, type TransportOptions } from "./transport.js";
