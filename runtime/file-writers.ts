/**
 * Worker threads that create and write the regular files of a layer while the unpacker goes on
 * parsing the tar (runtime/unpack.ts). Creating a file is mostly kernel time, and on some
 * filesystems a lot of it: ext4 without a journal, for one, scans past every recently deleted
 * inode of the group for each new one, so 20,000 creates right after a big `rm -rf` took 10 s on
 * one thread and 5 s on two (docs/runtime.md, Unpacking). Each job is one whole file: open with
 * O_CREAT|O_EXCL|O_NOFOLLOW (nothing existing is written through or replaced), write, owner,
 * mode, mtime, close: the same calls the unpacker makes itself.
 *
 * The unpacker runs synchronously inside the tar parser's callbacks, so it waits for the jobs
 * with `Atomics.wait` on a shared counter (`drain`) wherever a later entry could depend on them,
 * and receives errors synchronously (`receiveMessageOnPort`). The bytes queued are bounded.
 * The workers are made once per process, on first use, and never keep it alive.
 */
import { availableParallelism } from "node:os";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";

export interface FileJob {
  /** Host path; its parent exists and was resolved inside the root. */
  readonly target: string;
  /** The entry's name in the layer (for errors). */
  readonly name: string;
  readonly flags: number;
  readonly chown: boolean;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
  readonly mtime: number;
}

export interface FileJobError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/** Counters shared with the workers: jobs not finished, their bytes. */
const PENDING = 0;
const BYTES = 1;
/** Bytes handed to the workers and not yet written, at most (the parser waits above it). */
const MAX_QUEUED_BYTES = 32 * 1024 * 1024;
/** A drain that sees no job finish for this long reports the workers as stuck. */
const STALL_MS = 120_000;

// Plain JavaScript run with `eval`: the same in dist/lib, the ES module bundle and the CommonJS
// bundle, and it needs nothing but node:fs.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const counters = new Int32Array(workerData.counters);
const errors = workerData.errors;
parentPort.on("message", (job) => {
  try {
    const fd = fs.openSync(job.target, job.flags, 0o600);
    try {
      const b = new Uint8Array(job.data);
      for (let off = 0; off < b.length; ) off += fs.writeSync(fd, b, off, b.length - off);
      if (job.chown) fs.fchownSync(fd, job.uid, job.gid);
      fs.fchmodSync(fd, job.mode);
      fs.futimesSync(fd, job.mtime, job.mtime);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    errors.postMessage({ name: job.name, message: String(err && err.message), code: err && err.code });
  }
  Atomics.sub(counters, ${BYTES}, job.data.byteLength);
  Atomics.sub(counters, ${PENDING}, 1);
  Atomics.notify(counters, ${PENDING});
});
`;

class FileWriters {
  private readonly counters = new Int32Array(new SharedArrayBuffer(8));
  private readonly workers: Worker[] = [];
  private readonly errorPorts: MessagePort[] = [];
  private next = 0;

  constructor(threads: number) {
    for (let i = 0; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { counters: this.counters.buffer, errors: port2 }, transferList: [port2] });
      worker.unref();
      port1.unref();
      this.workers.push(worker);
      this.errorPorts.push(port1);
    }
  }

  /** Hands one whole file to a worker (round robin); `data` is moved, not copied. */
  submit(job: FileJob, data: ArrayBuffer): void {
    while (Atomics.load(this.counters, BYTES) > MAX_QUEUED_BYTES) this.waitForProgress();
    Atomics.add(this.counters, BYTES, data.byteLength);
    Atomics.add(this.counters, PENDING, 1);
    const worker = this.workers[this.next++ % this.workers.length]!;
    worker.postMessage({ ...job, data }, [data]);
  }

  /** Waits until every submitted file is written; the first error since the last drain, if any. */
  drain(): FileJobError | undefined {
    while (Atomics.load(this.counters, PENDING) !== 0) this.waitForProgress();
    let first: FileJobError | undefined;
    for (const port of this.errorPorts) {
      for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) first ??= m.message as FileJobError;
    }
    return first;
  }

  private waitForProgress(): void {
    const pending = Atomics.load(this.counters, PENDING);
    if (pending === 0) return;
    if (Atomics.wait(this.counters, PENDING, pending, STALL_MS) === "timed-out" && Atomics.load(this.counters, PENDING) === pending) {
      throw new Error(`the file writer threads finished nothing in ${STALL_MS / 1000} s (${pending} files pending)`);
    }
  }
}

let shared: FileWriters | null | undefined;

/** The process's writers (made on first call), or null where threads cannot be started. */
export function fileWriters(): FileWriters | null {
  if (shared === undefined) {
    try {
      shared = new FileWriters(Math.min(4, Math.max(2, availableParallelism())));
    } catch {
      shared = null;
    }
  }
  return shared;
}

export type { FileWriters };
