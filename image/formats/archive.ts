/**
 * `readArchive`: one entry point for image tars read from a stream (stdin, a pipe, a file):
 * docker-archive (classic or Docker 25+'s OCI-based layout) and tars of OCI layouts, gzip'ed
 * or not. The format is told by content: `manifest.json` means docker-archive, else `index.json`
 * means an OCI layout.
 */
import { open, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import type { Readable } from "node:stream";
import { ArchiveError, asArchiveError } from "./errors.js";
import { imagesFromDockerManifest } from "./docker-archive.js";
import type { ArchiveEntry } from "./image-parts.js";
import { imagesFromIndex } from "./oci-layout.js";
import { spoolTar } from "./tar-reader.js";

export type ArchiveFormat = "docker-archive" | "oci-archive";

export interface ReadArchiveOptions {
  /** Where blobs are spooled until `cleanup()` (default: the OS temp dir). */
  tmpDir?: string;
  /** Names the input in messages. */
  where?: string;
}

export interface ReadArchiveResult {
  format: ArchiveFormat;
  images: ArchiveEntry[];
  /** Removes the spooled blobs; the images' layers cannot be opened afterwards. */
  cleanup(): Promise<void>;
}

/**
 * Reads a whole archive from `input` (a stream, or a file path), verifying every blob. The
 * images' layers read from spool files under `tmpDir` until `cleanup()`. On error nothing is
 * left behind.
 */
async function openFile(path: string, where: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (err) {
    throw asArchiveError(err, where);
  }
}

export async function readArchive(input: Readable | AsyncIterable<Uint8Array> | string, options: ReadArchiveOptions = {}): Promise<ReadArchiveResult> {
  const where = options.where ?? (typeof input === "string" ? `archive ${input}` : "archive");
  // open first: a stream made from a path reports a missing file as an 'error' event that may
  // fire before anyone listens (an unhandled error that ends the process)
  const stream = typeof input === "string" ? (await openFile(input, where)).createReadStream({ highWaterMark: 1 << 20 }) : input;
  const source = await spoolTar(stream, { tmpDir: options.tmpDir ?? tmpdir(), where });
  try {
    let format: ArchiveFormat;
    let images: ArchiveEntry[];
    if ((await source.size("manifest.json")) !== undefined) {
      format = "docker-archive";
      images = await imagesFromDockerManifest(source);
    } else if ((await source.size("index.json")) !== undefined) {
      format = "oci-archive";
      images = await imagesFromIndex(source);
    } else {
      const legacy = (await source.size("repositories")) !== undefined;
      throw new ArchiveError(
        "archive-unrecognized",
        legacy
          ? `${where} is a pre-1.10 Docker archive (repositories without manifest.json), which kiln does not read`
          : `${where} is a tar but neither a docker-archive (no manifest.json) nor an OCI layout (no index.json)`,
      );
    }
    return { format, images, cleanup: () => source.cleanup() };
  } catch (err) {
    await source.cleanup();
    throw asArchiveError(err, where);
  }
}
