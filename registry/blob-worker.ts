/**
 * The download thread's side of registry/blob-threads.ts: GETs a blob (the main thread's URL and
 * Authorization; retries, redirects and TLS by the same Transport), resumes cut connections
 * (registry/download.ts), hashes and writes the bytes into the store's temp file
 * (cache/blob-file.ts: the size checked as they come, the digest at the end, fsynced) and says
 * what the file holds. The main thread checks that again and commits the file; a failure
 * leaves no file. After a 401 it asks the main thread, which owns credentials and tokens, for a
 * new Authorization (once per request, as RegistryClient.send does).
 *
 * Started as a module file by the library (dist/lib) and as source text by the CLI bundles
 * (scripts/build.mjs bundles this file); in both it runs only inside its worker.
 */
import { isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { writeBlobFile } from "../cache/blob-file.js";
import { assertNever, KilnError } from "../util/errors.js";
import { blobDownload, type BlobGet } from "./download.js";
import { Transport, type TransportOptions } from "./transport.js";
import type { ThreadJob, ThreadReply, ThreadRequest, WorkerInit } from "./blob-threads.js";

/** Progress goes to the main thread per MiB or every 100 ms, whichever comes first: not per 64 KiB read. */
const PROGRESS_BYTES = 1024 * 1024;
const PROGRESS_MS = 100;

function run(port: MessagePort, init: WorkerInit): void {
  const transport = new Transport(init.transport as TransportOptions);
  const grants = new Map<number, (r: { authorization: string | undefined; authenticated: boolean } | undefined) => void>();
  const post = (m: ThreadReply) => port.postMessage(m);

  const download = async (job: ThreadJob): Promise<void> => {
    let authorization = job.authorization;
    let authenticated = job.authenticated;
    const url = new URL(job.url);
    const get: BlobGet = async (extra) => {
      for (let attempt = 0; ; attempt++) {
        const headers = { ...extra, ...(authorization ? { Authorization: authorization } : {}) };
        const res = await transport.request({ method: "GET", url, headers, what: job.what });
        res.authenticated = authenticated;
        if (res.status !== 401 || attempt > 0) return res;
        const renewed = await new Promise<{ authorization: string | undefined; authenticated: boolean } | undefined>((resolve) => {
          grants.set(job.id, resolve);
          post({ kind: "regrant", id: job.id, wwwAuthenticate: res.headers["www-authenticate"] });
        });
        if (!renewed) return res;
        res.drain();
        ({ authorization, authenticated } = renewed);
      }
    };
    let pending = 0;
    let last = Date.now();
    const onBytes = (n: number) => {
      pending += n;
      const now = Date.now();
      if (pending >= PROGRESS_BYTES || now - last >= PROGRESS_MS) {
        post({ kind: "bytes", id: job.id, n: pending });
        pending = 0;
        last = now;
      }
    };
    try {
      const chunks = blobDownload(get, job.blob, { what: job.what, host: job.host, retries: transport.retries, backoff: (n) => transport.backoff(n), onBytes });
      const got = await writeBlobFile(job.tmp, chunks, { expected: job.blob, what: job.what });
      if (pending > 0) post({ kind: "bytes", id: job.id, n: pending });
      post({ kind: "done", id: job.id, digest: got.digest, size: got.size });
    } catch (err) {
      const e = err as Error & { code?: unknown; exitCode?: unknown };
      post({
        kind: "failed",
        id: job.id,
        message: String(e?.message ?? err),
        ...(err instanceof KilnError ? { code: err.code, exitCode: err.exitCode } : {}),
      });
    }
  };

  port.on("message", (m: ThreadRequest) => {
    switch (m.kind) {
      case "job":
        void download(m.job);
        break;
      case "grant": {
        const resolve = grants.get(m.id);
        grants.delete(m.id);
        resolve?.(m.grant);
        break;
      }
      default:
        assertNever(m, "message to a download thread");
    }
  });
}

if (!isMainThread && parentPort && (workerData as WorkerInit | undefined)?.kilnBlobWorker === true) run(parentPort, workerData as WorkerInit);
