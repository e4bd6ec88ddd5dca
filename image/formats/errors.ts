/**
 * Typed errors of the archive and layout readers and writers. Every one is a KilnError with a
 * stable `code`; `entry` names the archive path or blob the error is about, when there is one.
 *
 * | code | meaning |
 * |---|---|
 * | `archive-corrupt` | not a tar, truncated, bad gzip, invalid JSON, a path that escapes the archive |
 * | `archive-unrecognized` | a valid tar that is neither a docker-archive nor an OCI layout |
 * | `digest-mismatch` | a blob's bytes do not hash to the digest that names it |
 * | `missing-blob` | a manifest names a blob or file that is not there |
 * | `unknown-media-type` | a manifest, config or layer media type kiln does not read |
 * | `unsupported-schema1` | a Docker schema 1 manifest (from media-types.ts) |
 * | `unsupported-compression` | zstd on a Node.js without zlib zstd |
 * | `invalid-layout` | an OCI layout directory without a valid oci-layout / index.json |
 */
import { KilnError } from "../../util/errors.js";

export class ArchiveError extends KilnError {
  /** The archive path or blob digest the error is about. */
  readonly entry: string | undefined;
  constructor(code: string, message: string, options: { entry?: string; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.entry = options.entry;
  }
}

export function archiveCorrupt(message: string, options: { entry?: string; cause?: unknown } = {}): ArchiveError {
  return new ArchiveError("archive-corrupt", message, options);
}

export function digestMismatch(entry: string, want: string, got: string, what = "blob"): ArchiveError {
  return new ArchiveError("digest-mismatch", `${what} ${entry}: digest mismatch: its bytes hash to ${got}, not ${want}; refusing it`, { entry });
}

export function missingBlob(entry: string, referrer: string): ArchiveError {
  return new ArchiveError("missing-blob", `${referrer} names ${entry}, which is not there`, { entry });
}

export function unknownMediaType(mediaType: string, where: string): ArchiveError {
  return new ArchiveError("unknown-media-type", `${where} has media type ${JSON.stringify(mediaType)}, which kiln does not read as an image`, { entry: where });
}

/** Turns errors thrown by Node (zlib, tar-stream, fs) into `archive-corrupt`; KilnErrors pass through. */
export function asArchiveError(err: unknown, where: string): KilnError {
  if (err instanceof KilnError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT" || code === "EACCES" || code === "EISDIR" || code === "EPERM") {
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : "permission denied";
    return new KilnError(code === "ENOENT" ? "file-not-found" : "file-unreadable", `cannot read ${where}: ${why}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return archiveCorrupt(`${where} is corrupt or truncated: ${message}`, { cause: err });
}
