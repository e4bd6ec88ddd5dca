/**
 * Worker threads that create and write the regular files of a layer while the unpacker goes on
 * parsing the tar (runtime/unpack.ts). Creating a file is mostly kernel time, and on some
 * filesystems a lot of it: ext4 without a journal, for one, scans past every recently deleted
 * inode of the group for each new one, so 20,000 creates right after a big `rm -rf` took 10 s on
 * one thread and 5 s on two (docs/runtime.md, Files). Each job is one whole file: open with
 * O_CREAT|O_EXCL|O_NOFOLLOW (nothing existing is written through or replaced), write, owner,
 * mode, mtime, close: the same calls the unpacker makes itself.
 *
 * The unpacker runs synchronously inside the tar parser's callbacks, so it waits for the jobs
 * with `Atomics.wait` on a shared counter (`drain`) wherever a later entry could depend on them,
 * and receives errors synchronously (`receiveMessageOnPort`). Bodies travel through a ring of
 * shared memory per worker (2 MiB), so memory stays bounded.
 * The workers are started for one unpack (from its 64th file) and ended with it; they never keep
 * the process alive.
 */
import { availableParallelism } from "node:os";
import type { MessagePort, Worker } from "node:worker_threads";
import { workerThreads } from "../util/lazy-builtins.js";

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

/** Shared counter: jobs handed out and not yet finished (all workers). */
const PENDING = 0;
/**
 * Each worker reads file bodies from its own ring of shared memory, in the order of its jobs:
 * nothing is allocated or transferred per file, and the memory is bounded by construction (an
 * ArrayBuffer moved to a worker per file was freed only when that worker collected garbage:
 * +110 MB of peak RSS for a 200 MB layer).
 */
const RING_BYTES = 2 * 1024 * 1024;
/** The largest body a job may carry (the unpacker writes bigger files itself). */
export const MAX_JOB_BYTES = 512 * 1024;
/** A wait that sees no job finish for this long reports the workers as stuck. */
const STALL_MS = 120_000;

// Plain JavaScript run with `eval`: the same in dist/lib, the ES module bundle and the CommonJS
// bundle, and it needs nothing but node:fs.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const fs = require("node:fs");
const counters = new Int32Array(workerData.counters);
const used = new Int32Array(workerData.used);
const ring = new Uint8Array(workerData.ring);
const errors = workerData.errors;
parentPort.on("message", (job) => {
  try {
    const fd = fs.openSync(job.target, job.flags, 0o600);
    try {
      const b = ring.subarray(job.offset, job.offset + job.size);
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
  Atomics.sub(used, 0, job.release);
  Atomics.sub(counters, ${PENDING}, 1);
  Atomics.notify(counters, ${PENDING});
});
`;

/** Where a file's body goes before it is handed to a worker. */
export interface FileSlot {
  /** Exactly the body's size: fill it, then `submit`. */
  readonly bytes: Uint8Array;
  submit(job: FileJob): void;
  /** Gives the room back unused (an unpack that failed in the middle of this body). */
  cancel(): void;
}

interface Lane {
  readonly worker: Worker;
  readonly errors: MessagePort;
  readonly ring: Uint8Array;
  /** Bytes of the ring reserved and not yet released by the worker (padding at a wrap included). */
  readonly used: Int32Array;
  /** Where the next body starts. */
  head: number;
}

class FileWriters {
  private readonly counters = new Int32Array(new SharedArrayBuffer(4));
  private readonly lanes: Lane[] = [];
  private next = 0;
  private lastGroup: string | undefined;

  constructor(threads: number) {
    const { MessageChannel, Worker } = workerThreads();
    for (let i = 0; i < threads; i++) {
      const { port1, port2 } = new MessageChannel();
      const ring = new SharedArrayBuffer(RING_BYTES);
      const used = new Int32Array(new SharedArrayBuffer(4));
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { counters: this.counters.buffer, used: used.buffer, ring, errors: port2 },
        transferList: [port2],
        // a job is a small object: a small young generation keeps each thread at a few MB
        resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 },
      });
      worker.unref();
      port1.unref();
      this.lanes.push({ worker, errors: port1, ring: new Uint8Array(ring), used, head: 0 });
    }
  }

  /**
   * Room for a body of `size` bytes (at most MAX_JOB_BYTES) in a worker's ring; waits while it
   * is full. Files of one `group` (their directory) go to one worker as long as they come in a
   * row: creating files in one directory takes that directory's lock, so two threads creating
   * in the same directory mostly wait for each other.
   */
  reserve(size: number, group: string): FileSlot {
    if (size > MAX_JOB_BYTES) throw new RangeError(`a file writer job carries at most ${MAX_JOB_BYTES} bytes`);
    if (group !== this.lastGroup) {
      this.lastGroup = group;
      this.next++;
    }
    const lane = this.lanes[this.next % this.lanes.length]!;
    const wraps = lane.head + size > RING_BYTES;
    const release = size + (wraps ? RING_BYTES - lane.head : 0);
    while (Atomics.load(lane.used, 0) + release > RING_BYTES) {
      if (Atomics.load(this.counters, PENDING) === 0) throw new Error("file writer ring: room held by no job (a body reserved and never submitted or cancelled)");
      this.waitForProgress();
    }
    const offset = wraps ? 0 : lane.head;
    lane.head = offset + size;
    Atomics.add(lane.used, 0, release);
    return {
      bytes: lane.ring.subarray(offset, offset + size),
      submit: (job) => {
        Atomics.add(this.counters, PENDING, 1);
        lane.worker.postMessage({ ...job, offset, size, release });
      },
      cancel: () => {
        // the ring is used in order: the head goes back too, unless a later body was reserved
        if (lane.head === offset + size) lane.head = wraps ? RING_BYTES - (release - size) : offset;
        Atomics.sub(lane.used, 0, release);
      },
    };
  }

  /** Ends the threads (every job is done: callers drain first). */
  close(): void {
    for (const lane of this.lanes) {
      lane.errors.close();
      void lane.worker.terminate();
    }
  }

  /** Waits until every submitted file is written; the first error since the last drain, if any. */
  drain(): FileJobError | undefined {
    while (Atomics.load(this.counters, PENDING) !== 0) this.waitForProgress();
    let first: FileJobError | undefined;
    const { receiveMessageOnPort } = workerThreads();
    for (const lane of this.lanes) {
      for (let m = receiveMessageOnPort(lane.errors); m !== undefined; m = receiveMessageOnPort(lane.errors)) first ??= m.message as FileJobError;
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

/**
 * Writers for one unpack, or null where threads cannot be started. Each unpack has its own (the
 * errors a drain reports are that unpack's), and `close`s them when it is over: the threads'
 * memory (~10 MB each) is not kept for the rest of a build.
 */
export function startFileWriters(): FileWriters | null {
  try {
    return new FileWriters(Math.min(4, Math.max(2, availableParallelism())));
  } catch {
    return null;
  }
}

export type { FileWriters };
