/**
 * Writing one blob file, hashed as it is written: the part of the store's `putBlob` that needs
 * nothing but the file's path, so a worker thread can run it (registry/blob-worker.ts writes a
 * pulled layer into the store's `tmp/` this way, and the store commits it with `putBlobWith`).
 * Kept apart from store.ts so a worker loads only this, image/digest.ts and util/errors.ts.
 */
import { open, unlink } from "node:fs/promises";
import { Readable } from "node:stream";
import { DigestHasher, type Digest } from "../image/digest.js";
import { KilnError } from "../util/errors.js";
import type { BlobInfo, BlobSource } from "./types.js";

/** The content a blob must be: its digest and (when known) its size. */
export interface ExpectedBlob {
  readonly digest: Digest;
  readonly size?: number;
}

/** The source as an iterable of chunks (strings in it are read as UTF-8 where they are used). */
function chunksOf(source: BlobSource): AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> {
  if (typeof source === "string" || source instanceof Uint8Array) return [source];
  return source as AsyncIterable<Uint8Array | string>;
}

/** Refuses bytes that are not `expected` (KilnError `digest-mismatch`, size first). */
export function checkBlob(got: BlobInfo, expected: ExpectedBlob | undefined, what: string): void {
  if (!expected) return;
  if (expected.size !== undefined && expected.size !== got.size) {
    throw new KilnError("digest-mismatch", `${what}: expected ${expected.size} bytes (${expected.digest}), got ${got.size} bytes`);
  }
  if (expected.digest !== got.digest) throw new KilnError("digest-mismatch", `${what}: expected ${expected.digest}, got ${got.digest}`);
}

/**
 * Writes `source` to a new file at `path` (created with O_EXCL), hashing every byte, and
 * fsyncs it. Refuses (`digest-mismatch`) as soon as more than `expected.size` bytes arrive and,
 * at the end, bytes that are not `expected`. On any failure the file is removed and a Readable
 * source destroyed. Returns the digest and size of what the file holds.
 */
export async function writeBlobFile(path: string, source: BlobSource, options: { expected?: ExpectedBlob; what: string }): Promise<BlobInfo> {
  const { expected, what } = options;
  const hasher = new DigestHasher(expected ? (expected.digest.slice(0, expected.digest.indexOf(":")) as "sha256") : "sha256");
  const fh = await open(path, "wx", 0o644);
  let ok = false;
  // chunks (64 KiB from a socket) are written in batches of 1 MiB: one thread-pool round
  // trip per MiB instead of 16, and one batch is written while the next one is read
  let batch: Uint8Array[] = [];
  let batched = 0;
  let writing: Promise<void> | undefined;
  const writeAll = async (bufs: Uint8Array[]) => {
    let { bytesWritten } = await fh.writev(bufs);
    for (const b of bufs) {
      // rare short writes: the rest of each buffer one by one
      if (bytesWritten >= b.byteLength) {
        bytesWritten -= b.byteLength;
        continue;
      }
      let off = bytesWritten;
      bytesWritten = 0;
      while (off < b.byteLength) off += (await fh.write(b, off, b.byteLength - off)).bytesWritten;
    }
  };
  const flush = async () => {
    await writing;
    const bufs = batch;
    batch = [];
    batched = 0;
    writing = writeAll(bufs);
    writing.catch(() => {}); // awaited by the next flush or at the end
  };
  try {
    // no generator between the source and this loop: a hop per chunk adds up on big blobs
    for await (const item of chunksOf(source)) {
      const chunk = typeof item === "string" ? Buffer.from(item, "utf8") : item;
      hasher.update(chunk);
      if (expected?.size !== undefined && hasher.size > expected.size) {
        throw new KilnError("digest-mismatch", `${what}: more than the expected ${expected.size} bytes (${expected.digest})`);
      }
      batch.push(chunk);
      batched += chunk.byteLength;
      if (batched >= 1024 * 1024) await flush();
    }
    if (batched > 0) await flush();
    await writing;
    const got: BlobInfo = { digest: hasher.digest(), size: hasher.size };
    checkBlob(got, expected, what);
    await fh.sync();
    await fh.close();
    ok = true;
    return got;
  } finally {
    if (!ok) {
      await writing?.catch(() => {});
      await fh.close().catch(() => {});
      await unlink(path).catch(() => {});
      if (source instanceof Readable) source.destroy();
    }
  }
}
