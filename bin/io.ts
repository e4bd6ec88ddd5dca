/**
 * What a command touches of the outside world, passed in so commands can run in-process (tests,
 * embedding) as well as from the `kiln` binary.
 */
import type { Readable } from "node:stream";
import { standardOut } from "./stdio.js";

export interface OutStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  /** A terminal's width. */
  readonly columns?: number;
  hasColors?(): boolean;
}

export interface Io {
  readonly stdin: Readable;
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export function processIo(): Io {
  return {
    // process.stdin is made on first read of the property (a stream over the tty or pipe, with
    // its modules): only commands that read stdin pay for it
    get stdin() {
      return process.stdin;
    },
    // made on first use too, and written with writeSync when not a terminal (bin/stdio.ts)
    get stdout() {
      return standardOut(1);
    },
    get stderr() {
      return standardOut(2);
    },
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Colors on `stream`: NO_COLOR wins, then FORCE_COLOR, then "is a color terminal". */
export function wantsColor(stream: OutStream, env: NodeJS.ProcessEnv): boolean {
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (!stream.isTTY || typeof stream.hasColors !== "function") return false;
  return stream.hasColors();
}

/** Reads a whole stream as UTF-8, keeping a BOM (the parser reports and skips it). */
export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
