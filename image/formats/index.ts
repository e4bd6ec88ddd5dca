/**
 * image/formats: image archives and layouts that read and write the same `Image` interface, so
 * copying is `write(await read(x))` (principle 6). Everything streams; blobs are verified.
 *
 *   readArchive(stream | path, {tmpDir})         docker-archive or OCI tar → images (+ cleanup)
 *   writeDockerArchive([{image, tags}], out)     → what `docker load` reads
 *   readOciLayout(dir)                           OCI layout directory → images
 *   writeOciLayout(dir | out, [{image, tags}])   → OCI layout directory or tar, layers compressed
 */
export * from "./errors.js";
export { compressor, detectCompression, zstdAvailable, requireCompression, DEFAULT_GZIP_LEVEL } from "./compression.js";
export type { ArchiveEntry, BlobSource } from "./image-parts.js";
export { readArchive, type ArchiveFormat, type ReadArchiveOptions, type ReadArchiveResult } from "./archive.js";
export { writeDockerArchive, type DockerArchiveInput, type DockerManifestItem, type WriteDockerArchiveOptions } from "./docker-archive.js";
export {
  readOciLayout,
  writeOciLayout,
  OCI_LAYOUT_VERSION,
  type LayerWritten,
  type OciLayoutInput,
  type WriteOciLayoutOptions,
  type WrittenImage,
} from "./oci-layout.js";
export { spoolTar, type SpooledArchive, type SpoolOptions } from "./tar-reader.js";
