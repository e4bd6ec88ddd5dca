/** Helpers for the runtime tests: who may run them, temp dirs, busybox rootfs, output capture, raw tars. */
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import tarStream from "tar-stream";
import { test } from "uvu";
import { findStaticBusybox, helperPath, makeBusyboxRootfs } from "../../runtime/index.js";
import { collect } from "../image/helpers.js";

function helperExists(): boolean {
  try {
    helperPath();
    return true;
  } catch {
    return false;
  }
}

export const isRoot = process.getuid?.() === 0;
export const busybox = findStaticBusybox();
/** Why the namespace tests cannot run here, or undefined. */
export const cannotRun: string | undefined = !isRoot
  ? "not root"
  : !busybox
    ? "no static busybox (apt-get install busybox-static)"
    : !helperExists()
      ? "kiln-sandbox helper not built (no cc)"
      : undefined;

/** `test` when the namespace tests can run, else `test.skip` (with one note on stderr). */
export const rootTest: typeof test = cannotRun ? (test.skip as unknown as typeof test) : test;
if (cannotRun) process.stderr.write(`runtime tests skipped: ${cannotRun}\n`);

const made: string[] = [];
export function tempDir(prefix = "kiln-rt-"): string {
  const d = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  made.push(d);
  return d;
}
export function cleanupTemps(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function busyboxRootfs(): string {
  const d = tempDir("kiln-bb-");
  makeBusyboxRootfs(join(d, "rootfs"), busybox);
  return join(d, "rootfs");
}

export class Capture extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.chunks.push(chunk);
    cb();
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

export function hostMountinfo(): string {
  return readFileSync("/proc/self/mountinfo", "utf8");
}

/** Every process below `pid` (children, their children…), from /proc. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

export type Raw = { name: string; type?: "file" | "directory" | "symlink" | "link" | "character-device" | "fifo"; linkname?: string; body?: string; mode?: number; uid?: number; gid?: number; mtime?: Date; devmajor?: number; devminor?: number };

/** A tar written entry by entry with tar-stream (createTar refuses what these tests need). */
export async function rawTar(entries: Raw[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const out = collect(pack as unknown as Readable);
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      const body = e.body ?? "";
      pack.entry({ type: "file", mode: 0o644, mtime: new Date(0), ...e, size: e.type && e.type !== "file" ? 0 : Buffer.byteLength(body) }, e.type && e.type !== "file" ? "" : body, (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  return out;
}
