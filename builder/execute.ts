/**
 * The executor's public face: `build(options)` runs a Dockerfile build through the step cache,
 * the runtime and the store (builder/executor/, docs/builder.md).
 */
export * from "./executor/index.js";
