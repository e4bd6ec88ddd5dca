/**
 * A blob download that survives cut connections: after a dropped or truncated body it asks
 * again with `Range: bytes=N-` (or skips what it has when the registry ignores Range), a bounded
 * number of times with backoff. The request itself is the caller's (`BlobGet`): the client's
 * authorised `send` on the main thread, or the download worker's (registry/blob-worker.ts), so
 * both resume the same way. Every byte returned is checked by the caller against its digest.
 */
import type { Digest } from "../image/digest.js";
import { KilnError } from "../util/errors.js";
import { bodyChunks } from "./body-chunks.js";
import { httpError } from "./http-error.js";
import { redact } from "./redact.js";
import { sleep, type Response } from "./transport.js";

export interface BlobRef {
  readonly digest: Digest;
  readonly size?: number;
}

/** One authorised GET of the blob, with these extra headers (a Range when resuming); retries of 5xx/429 and redirects inside. */
export type BlobGet = (headers: Record<string, string>) => Promise<Response>;

export interface BlobDownloadOptions {
  /** What the blob is, in errors ("layer 2 of 4 (sha256:…) of app:1"). */
  readonly what: string;
  /** The registry host (for `kiln login HOST` advice). */
  readonly host: string;
  /** Attempts before a cut connection is given up (`registry-download`). */
  readonly retries: number;
  /** Wait before attempt n + 1 after n failures, in ms. */
  readonly backoff: (failures: number) => number;
  readonly onBytes?: (n: number) => void;
}

/** The bytes of `blob` in order, resumed after cut connections; the caller verifies them. */
export async function* blobDownload(get: BlobGet, blob: BlobRef, options: BlobDownloadOptions): AsyncGenerator<Buffer> {
  const { what } = options;
  let received = 0;
  let failures = 0;
  for (;;) {
    const headers: Record<string, string> = {};
    if (received > 0) headers["Range"] = `bytes=${received}-`;
    let res: Response;
    try {
      res = await get(headers);
    } catch (err) {
      // a registry that answered before and now drops connections: count it like a cut-off body
      if (received === 0 || !(err instanceof KilnError) || err.code !== "registry-unreachable") throw err;
      if (++failures >= options.retries) throw downloadFailed(what, failures, received, blob.size, err);
      await sleep(options.backoff(failures));
      continue;
    }
    if (res.status !== 200 && res.status !== 206) {
      if (res.status === 416 && blob.size !== undefined && received >= blob.size) {
        res.drain();
        return;
      }
      throw await httpError(res, what, options.host);
    }
    let skip = 0;
    if (received > 0) {
      if (res.status === 200) skip = received; // Range ignored: read again from the start, drop what we have
      else if (!String(res.headers["content-range"] ?? "").startsWith(`bytes ${received}-`)) {
        res.drain();
        throw new KilnError("registry-error", `${what}: asked to resume at byte ${received}, the registry answered ${String(res.headers["content-range"] ?? "no Content-Range")}`);
      }
    }
    try {
      for await (const raw of bodyChunks(res.body)) {
        let chunk = raw;
        if (skip > 0) {
          if (chunk.byteLength <= skip) {
            skip -= chunk.byteLength;
            continue;
          }
          chunk = chunk.subarray(skip);
          skip = 0;
        }
        received += chunk.byteLength;
        options.onBytes?.(chunk.byteLength);
        yield chunk;
        if (blob.size !== undefined && received > blob.size) throw new KilnError("digest-mismatch", `${what}: the registry sent more than the expected ${blob.size} bytes (${blob.digest})`);
      }
      if (blob.size === undefined || received >= blob.size) return;
      throw Object.assign(new Error(`connection ended after ${received} of ${blob.size} bytes`), { code: "ETRUNCATED" });
    } catch (err) {
      if (err instanceof KilnError) throw err;
      res.body.destroy();
      if (++failures >= options.retries) throw downloadFailed(what, failures, received, blob.size, err);
      await sleep(options.backoff(failures));
    } finally {
      if (!res.body.readableEnded) res.body.destroy();
    }
  }
}

function downloadFailed(what: string, failures: number, received: number, size: number | undefined, err: unknown): KilnError {
  const of = size !== undefined ? ` of ${size}` : "";
  return new KilnError("registry-download", `${what}: download failed after ${failures} attempts at byte ${received}${of}: ${redact((err as Error).message)}`, { cause: err });
}
