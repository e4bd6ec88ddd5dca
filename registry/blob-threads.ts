/**
 * Blob downloads on worker threads, so a big pull uses more than one core: Node parses HTTP,
 * copies every socket read and hashes on the thread that owns the socket, and with every layer
 * on the main thread that thread was a pull's limit (docs/registry.md, Pull). Each job is one
 * blob: the thread GETs it with the URL and Authorization the main thread gives
 * (registry/blob-worker.ts), resumes cut connections, and writes, hashes and fsyncs the store's
 * temp file; the main thread keeps credentials and tokens (a 401 comes back here as `regrant`),
 * progress events, and the commit (`store.putBlobWith`: digest and size checked again, rename).
 *
 * Threads are started for one pull and ended with it (`close`). A thread that dies or cannot
 * start fails its jobs with `ThreadLost`, and the caller downloads those on the main thread.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { BlobInfo } from "../cache/index.js";
import type { Digest } from "../image/index.js";
import { assertNever, KilnError } from "../util/errors.js";
import type { TransportOptions } from "./transport.js";

/** The worker's source text, put into the CLI bundles by scripts/build.mjs; undefined in dist/lib. */
declare const __KILN_BLOB_WORKER__: string | undefined;

export interface WorkerInit {
  readonly kilnBlobWorker: true;
  readonly transport: TransportOptions;
}

export interface ThreadJob {
  readonly id: number;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly authenticated: boolean;
  readonly blob: { readonly digest: Digest; readonly size: number };
  /** What the blob is, in errors. */
  readonly what: string;
  /** The registry host (for `kiln login HOST` advice). */
  readonly host: string;
  /** The store's temp file to create and fill. */
  readonly tmp: string;
}

/** How a request is authorised after a regrant. */
export interface ThreadGrant {
  readonly authorization: string | undefined;
  readonly authenticated: boolean;
}

export type ThreadRequest = { kind: "job"; job: ThreadJob } | { kind: "grant"; id: number; grant: ThreadGrant | undefined };

export type ThreadReply =
  | { kind: "bytes"; id: number; n: number }
  | { kind: "regrant"; id: number; wwwAuthenticate: string | string[] | undefined }
  | { kind: "done"; id: number; digest: Digest; size: number }
  | { kind: "failed"; id: number; message: string; code?: string; exitCode?: number };

/** A job's side on the main thread. */
export interface ThreadHooks {
  onBytes(n: number): void;
  /** After a 401: how to ask again (undefined: do not). */
  regrant(wwwAuthenticate: string | string[] | undefined): Promise<ThreadGrant | undefined>;
}

/** The thread of a job ended before it answered (it could not start, or crashed). */
export class ThreadLost extends Error {}

interface Pending {
  readonly hooks: ThreadHooks;
  readonly size: number;
  resolve(info: BlobInfo): void;
  reject(err: Error): void;
}

interface Lane {
  readonly worker: Worker;
  readonly jobs: Map<number, Pending>;
  /** Bytes of the blobs it is downloading: a new job goes to the lane with the fewest. */
  bytes: number;
  lost: Error | undefined;
}

/** Blobs from this size are downloaded on a thread, unless KILN_PULL_THREADED_FROM (bytes) says otherwise. */
export const THREADED_FROM = 16 * 1024 * 1024;

function envCount(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const text = env[name];
  if (text === undefined || text === "") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new KilnError("invalid-option", `${name}: expected a whole number >= 0, got ${JSON.stringify(text)}`);
  return n;
}

/** Download threads at most: KILN_PULL_THREADS, else one per core up to 4 (none on one core). */
export function pullThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const cores = availableParallelism();
  return envCount("KILN_PULL_THREADS", env) ?? (cores >= 2 ? Math.min(4, cores) : 0);
}

/** The size from which a blob goes to a thread: KILN_PULL_THREADED_FROM (bytes), else THREADED_FROM. */
export function threadedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return envCount("KILN_PULL_THREADED_FROM", env) ?? THREADED_FROM;
}

/**
 * Which blobs of a pull go to a thread, and how many threads: `sizes[i]` is the size of a blob
 * to download (undefined: none to download). Blobs under `from` bytes stay on the main thread;
 * the others are spread, largest first, over `max` threads (and the main thread, when
 * `mainLane`), each to the lane with the fewest bytes so far. No threads when no blob is that big.
 */
export function threadPlan(sizes: readonly (number | undefined)[], max: number, from: number, mainLane = process.env["KILN_PULL_MAIN_LANE"] === "1"): { threads: number; onThread: boolean[] } {
  const big = sizes.flatMap((s, i) => (s !== undefined && s >= from ? [i] : [])).sort((a, b) => sizes[b]! - sizes[a]!);
  const threads = Math.min(max, big.length);
  const onThread = sizes.map(() => false);
  if (threads === 0) return { threads, onThread };
  // lane 0 is the main thread when it takes part
  const lanes = new Array<number>(threads + (mainLane ? 1 : 0)).fill(0);
  for (const i of big) {
    let lane = lanes.length - 1;
    for (let l = lanes.length - 1; l >= 0; l--) if (lanes[l]! < lanes[lane]!) lane = l;
    lanes[lane]! += sizes[i]!;
    onThread[i] = !(mainLane && lane === 0);
  }
  return { threads: Math.min(threads, onThread.filter(Boolean).length), onThread };
}

/** Young generation per thread: a download allocates one small object per 64 KiB read (buffers live outside the heap). */
const YOUNG_GENERATION_MB = 4;

function startWorker(init: WorkerInit): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: 64 };
  // The CLI bundles carry the worker as one script (run with eval, as runtime/file-writers.ts's);
  // the library starts the module beside this one.
  if (typeof __KILN_BLOB_WORKER__ === "string") return new Worker(__KILN_BLOB_WORKER__, { eval: true, workerData: init, resourceLimits });
  return new Worker(new URL("./blob-worker.js", import.meta.url), { workerData: init, resourceLimits });
}

export class DownloadThreads {
  private readonly lanes: Lane[] = [];
  private nextId = 0;

  constructor(threads: number, transport: TransportOptions) {
    for (let i = 0; i < threads; i++) {
      const worker = startWorker({ kilnBlobWorker: true, transport });
      const lane: Lane = { worker, jobs: new Map(), bytes: 0, lost: undefined };
      worker.on("message", (m: ThreadReply) => this.onReply(lane, m));
      worker.on("error", (err) => this.lose(lane, err));
      worker.on("exit", (code) => this.lose(lane, new Error(`the download thread exited (status ${code})`)));
      this.lanes.push(lane);
    }
  }

  get threads(): number {
    return this.lanes.length;
  }

  /**
   * Downloads a blob into `job.tmp` on the least busy thread; resolves with what the file holds
   * (already checked there against `job.blob`). Rejects with the thread's KilnError, or
   * ThreadLost when no thread could do it.
   */
  download(job: Omit<ThreadJob, "id">, hooks: ThreadHooks): Promise<BlobInfo> {
    const live = this.lanes.filter((l) => !l.lost);
    if (live.length === 0) return Promise.reject(new ThreadLost("no download thread is running"));
    const lane = live.reduce((a, b) => (b.bytes < a.bytes ? b : a));
    const id = this.nextId++;
    return new Promise<BlobInfo>((resolve, reject) => {
      lane.jobs.set(id, { hooks, size: job.blob.size, resolve, reject });
      lane.bytes += job.blob.size;
      lane.worker.postMessage({ kind: "job", job: { ...job, id } } satisfies ThreadRequest);
    });
  }

  /** Ends the threads (call when no download is in flight: a thread's temp file is its job's until it answers). */
  async close(): Promise<void> {
    await Promise.all(
      this.lanes.map((lane) => {
        lane.lost ??= new Error("the download threads were closed");
        return lane.worker.terminate();
      }),
    );
  }

  private settle(lane: Lane, id: number): Pending | undefined {
    const job = lane.jobs.get(id);
    if (!job) return undefined;
    lane.jobs.delete(id);
    lane.bytes -= job.size;
    return job;
  }

  private onReply(lane: Lane, m: ThreadReply): void {
    switch (m.kind) {
      case "bytes":
        lane.jobs.get(m.id)?.hooks.onBytes(m.n);
        break;
      case "regrant": {
        const job = lane.jobs.get(m.id);
        if (!job) break;
        job.hooks.regrant(m.wwwAuthenticate).then(
          (grant) => lane.worker.postMessage({ kind: "grant", id: m.id, grant } satisfies ThreadRequest),
          (err: Error) => this.settle(lane, m.id)?.reject(err),
        );
        break;
      }
      case "done":
        this.settle(lane, m.id)?.resolve({ digest: m.digest, size: m.size });
        break;
      case "failed":
        this.settle(lane, m.id)?.reject(m.code !== undefined ? new KilnError(m.code, m.message, m.exitCode !== undefined ? { exitCode: m.exitCode } : {}) : new Error(m.message));
        break;
      default:
        assertNever(m, "reply of a download thread");
    }
  }

  private lose(lane: Lane, err: Error): void {
    lane.lost ??= err;
    for (const id of [...lane.jobs.keys()]) this.settle(lane, id)?.reject(new ThreadLost(`${err.message}`, { cause: err }));
  }
}
