/** Small filesystem helpers for crash-safe writes and for telling live processes from dead ones. */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { open, rename, unlink, type FileHandle } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

/** fsyncs a directory so a rename or unlink in it survives a power loss. Best effort. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  } finally {
    await fh?.close().catch(() => {});
  }
}

/** fsyncDir, synchronously: for the small writes of a commit, where a trip through the thread pool costs more than the call. */
export function fsyncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes all of `data` to `fd` (short writes continued). */
export function writeAllSync(fd: number, data: Uint8Array): void {
  for (let off = 0; off < data.byteLength; ) off += writeSync(fd, data, off, data.byteLength - off);
}

/**
 * Creates `tmp` (O_EXCL), writes `data` and fsyncs it; on failure the temp file is removed.
 * The first half of an atomic write: rename it into place (then fsync the directory) when ready.
 */
export function writeTempSync(tmp: string, data: Uint8Array): void {
  const fd = openSync(tmp, "wx", 0o644);
  try {
    writeAllSync(fd, data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
  closeSync(fd);
}

/** The start time of a process (field 22 of /proc/PID/stat), or undefined when unknown. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) is in parentheses and may hold spaces: split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19]; // field 22 overall
  } catch {
    return undefined;
  }
}

/** Who a lock, lease or temp file belongs to. */
export interface Owner {
  pid: number;
  /** /proc start time, so a reused pid is not mistaken for the owner. */
  start?: string;
  host: string;
}

let self: Owner | undefined;
export function currentOwner(): Owner {
  if (!self || self.pid !== process.pid) {
    const start = processStartTime(process.pid);
    self = { pid: process.pid, host: hostname(), ...(start !== undefined ? { start } : {}) };
  }
  return self;
}

/**
 * True unless the owner is known to be gone: same host, and the pid does not exist or was
 * reused by a process that started at another time. Owners on other hosts count as alive.
 */
export function ownerAlive(owner: Owner): boolean {
  if (owner.host !== currentOwner().host) return true;
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  if (owner.start !== undefined) {
    const now = processStartTime(owner.pid);
    if (now !== undefined && now !== owner.start) return false;
  }
  return true;
}

export function randomToken(): string {
  return randomBytes(6).toString("hex");
}

/** A temp file name in `dir` that says which process made it: `<prefix>.<pid>.<start>.<rand>`. */
export function tempName(dir: string, prefix: string): string {
  const o = currentOwner();
  return join(dir, `${prefix}.${o.pid}.${o.start ?? "0"}.${randomToken()}`);
}

/** The owner encoded in a tempName, for cleaning up after dead processes. */
export function tempOwner(name: string): Owner | undefined {
  const m = /\.(\d+)\.(\d+)\.[0-9a-f]+$/.exec(name);
  if (!m) return undefined;
  return { pid: Number(m[1]), host: currentOwner().host, ...(m[2] !== "0" ? { start: m[2]! } : {}) };
}

/**
 * Writes `data` to `path` atomically: a temp file in `tmpDir` (same filesystem), fsync, rename,
 * fsync of the target directory. Readers see the old file or the new one, never a mix.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string, tmpDir: string, targetDir: string): Promise<void> {
  const tmp = tempName(tmpDir, "write");
  const fh = await open(tmp, "wx", 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fsyncDir(targetDir);
}

/** writeFileAtomic, synchronously (small documents: index.json, the compression maps). */
export function writeFileAtomicSync(path: string, data: Uint8Array | string, tmpDir: string, targetDir: string): void {
  const tmp = tempName(tmpDir, "write");
  writeTempSync(tmp, typeof data === "string" ? Buffer.from(data) : data);
  try {
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
  fsyncDirSync(targetDir);
}

export function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === code;
}
