/**
 * The CLI's standard output and error, made on first use and, when the descriptor is a pipe, a
 * file or a socket, written with `writeSync`. Node's `process.stdout` over a pipe is a net.Socket
 * whose creation (pipe_wrap, net, tty and their modules) took 10-15 ms inside the CLI: a tenth of
 * a cached no-op `kiln build -q` that prints one line. Node writes pipes and files synchronously
 * on Linux anyway, so the bytes and their order are the same.
 *
 * Node's own stream is used for terminals and anything else (colours, columns, ora), and takes
 * over for good on the first write that fails: EAGAIN (a non-blocking pipe, which the stream
 * waits on) or an error such as EPIPE, which the stream then reports as it always did.
 */
import { fstatSync, writeSync } from "node:fs";
import type { OutStream } from "./io.js";

type Fd = 1 | 2;

/** Node's stream for `fd` (made by Node on first access, then kept). */
function nodeStream(fd: Fd): NodeJS.WriteStream {
  return fd === 1 ? process.stdout : process.stderr;
}

/** Node's stdout and stderr streams made so far (by any code), once watchNodeStreams() runs. */
const madeStreams: NodeJS.WriteStream[] = [];

/**
 * Watches for Node's stdout and stderr streams, made whenever some code first reads
 * `process.stdout` or `process.stderr` (yargs' help, ora, console.log, this module), by wrapping
 * those getters: stdout is given to `onStdout` (error handling) when it is made, and
 * outputPending() can tell whether either still holds bytes.
 */
export function watchNodeStreams(onStdout: (out: NodeJS.WriteStream) => void): void {
  watch("stdout", (out) => {
    madeStreams.push(out);
    onStdout(out);
  });
  watch("stderr", (out) => madeStreams.push(out));
}

function watch(name: "stdout" | "stderr", made: (out: NodeJS.WriteStream) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  if (!own?.get || !own.configurable) {
    made(process[name]);
    return;
  }
  const make = own.get;
  let seen = false;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable ?? true,
    get() {
      const out = make.call(process) as NodeJS.WriteStream;
      if (!seen) {
        seen = true;
        made(out);
      }
      return out;
    },
  });
}

/** Whether Node's stdout or stderr stream (where made) still holds bytes it has not written. */
export function outputPending(): boolean {
  return madeStreams.some((out) => out.writableLength > 0);
}

/** Pipes, regular files and sockets: the descriptors Node itself never treats as terminals. */
function plainDescriptor(fd: Fd): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false; // closed or odd: let Node's stream decide what it is
  }
}

/**
 * Text (or bytes) to a plain descriptor with writeSync until a write fails; from then on, and
 * for what that write left, the stream `fallback` makes (Node's stream for the descriptor).
 */
export class DescriptorOut implements OutStream {
  readonly isTTY = false;
  private stream: NodeJS.WritableStream | undefined;

  constructor(
    private readonly fd: number,
    private readonly fallback: () => NodeJS.WritableStream,
  ) {}

  write(chunk: string | Uint8Array): boolean {
    if (this.stream) return this.stream.write(chunk);
    let rest: Uint8Array = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    try {
      while (rest.byteLength > 0) rest = rest.subarray(writeSync(this.fd, rest));
      return true;
    } catch {
      // EAGAIN, EPIPE, …: the stream writes what is left and handles the error as Node does
      return this.nodeStream().write(rest);
    }
  }

  /** The fallback stream, from now on used for every write (binary output with backpressure). */
  nodeStream(): NodeJS.WritableStream {
    this.stream ??= this.fallback();
    return this.stream;
  }
}

const made: Partial<Record<Fd, OutStream>> = {};

/** The output for `fd`: a DescriptorOut for plain descriptors, else Node's stream. Made once. */
export function standardOut(fd: Fd): OutStream {
  return (made[fd] ??= plainDescriptor(fd) ? new DescriptorOut(fd, () => nodeStream(fd)) : nodeStream(fd));
}

/** A real Node stream behind `out` when it has one (for binary output with backpressure). */
export function streamOf(out: OutStream): OutStream {
  return out instanceof DescriptorOut ? (out.nodeStream() as unknown as OutStream) : out;
}
