/**
 * Inter-process locks on a shared store. Node has no flock(2), so a lock is a file created with
 * O_EXCL (`open(path, "wx")`) that names its owner (pid, /proc start time, host, token).
 *
 * - Waiting: a taken lock is polled with a growing delay until `timeoutMs` (KilnError
 *   `lock-timeout`, naming the holder).
 * - Stale locks: when the owner is dead (same host, pid gone or reused), the lock may be broken.
 *   Breaking is serialised by a second O_EXCL file, `<lock>.break`: under it the breaker reads
 *   the lock again and removes it only if it still names the same dead owner (token compared).
 *   Owners only ever remove their own lock, and only a breaker holding `.break` removes someone
 *   else's, so a live lock is never removed. A `.break` file left by a breaker that died is
 *   removed when its owner is dead and it is older than a second.
 * - A lock file that is empty or unreadable (its creator died between create and write) counts
 *   as stale once it is older than `emptyGraceMs`.
 * - Locks held by processes on other hosts (a store on NFS) are never broken.
 */
import { closeSync, openSync, readFileSync, unlinkSync } from "node:fs";
import { open, readFile, stat, unlink } from "node:fs/promises";
import { KilnError } from "../util/errors.js";
import { currentOwner, isErrno, ownerAlive, randomToken, writeAllSync, type Owner } from "./fsutil.js";

interface LockRecord extends Owner {
  token: string;
  /** ms since the epoch. */
  time: number;
  /** What the lock is held for, for messages. */
  purpose?: string;
}

export interface LockOptions {
  /** Default 60 s. */
  timeoutMs?: number;
  /** Why the lock is taken: shown to processes waiting for it. */
  purpose?: string;
  emptyGraceMs?: number;
}

export interface HeldLock {
  readonly path: string;
  readonly token: string;
  release(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readRecord(path: string): Promise<LockRecord | null | "missing"> {
  try {
    const text = await readFile(path, "utf8");
    const rec = JSON.parse(text) as LockRecord;
    if (typeof rec?.pid !== "number" || typeof rec.token !== "string") return null;
    return rec;
  } catch (err) {
    if (isErrno(err, "ENOENT")) return "missing";
    return null; // empty or half-written
  }
}

/**
 * tryCreate for the lock itself, synchronously: taking a free lock is then no trip through the
 * thread pool (a build's commit takes it once; each async call costs more than the syscall).
 */
function tryCreateSync(path: string, record: LockRecord): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o644);
  } catch (err) {
    if (isErrno(err, "EEXIST")) return false;
    throw err;
  }
  try {
    writeAllSync(fd, Buffer.from(JSON.stringify(record)));
  } finally {
    closeSync(fd);
  }
  return true;
}

function readRecordSync(path: string): LockRecord | null | "missing" {
  try {
    const rec = JSON.parse(readFileSync(path, "utf8")) as LockRecord;
    if (typeof rec?.pid !== "number" || typeof rec.token !== "string") return null;
    return rec;
  } catch (err) {
    if (isErrno(err, "ENOENT")) return "missing";
    return null;
  }
}

async function tryCreate(path: string, record: LockRecord): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, "wx", 0o644);
  } catch (err) {
    if (isErrno(err, "EEXIST")) return false;
    throw err;
  }
  try {
    await fh.writeFile(JSON.stringify(record));
  } finally {
    await fh.close();
  }
  return true;
}

async function ageMs(path: string): Promise<number> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

/** Removes `path` if it still holds the same dead record (or is still empty), serialised by `<path>.break`. */
async function breakStale(path: string, seen: LockRecord | null, emptyGraceMs: number): Promise<boolean> {
  const breaker = `${path}.break`;
  const me: LockRecord = { ...currentOwner(), token: randomToken(), time: Date.now() };
  if (!(await tryCreate(breaker, me))) {
    const other = await readRecord(breaker);
    if (other !== "missing" && (other === null ? (await ageMs(breaker)) > emptyGraceMs : !ownerAlive(other) && (await ageMs(breaker)) > 1000)) {
      await unlink(breaker).catch(() => {});
    }
    return false; // someone else is breaking it; retry later
  }
  try {
    const now = await readRecord(path);
    if (now === "missing") return true;
    const same = seen === null ? now === null && (await ageMs(path)) > emptyGraceMs : now !== null && now.token === seen.token;
    if (same) await unlink(path).catch(() => {});
    return true;
  } finally {
    await unlink(breaker).catch(() => {});
  }
}

/** Takes the lock at `path` (its directory must exist), waiting for it if needed. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<HeldLock> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const emptyGraceMs = options.emptyGraceMs ?? 5_000;
  const record: LockRecord = { ...currentOwner(), token: randomToken(), time: Date.now(), ...(options.purpose ? { purpose: options.purpose } : {}) };
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    if (tryCreateSync(path, record)) break;
    const holder = await readRecord(path);
    if (holder !== "missing") {
      if (holder === null) {
        if ((await ageMs(path)) > emptyGraceMs) await breakStale(path, null, emptyGraceMs);
      } else if (!ownerAlive(holder)) {
        if (await breakStale(path, holder, emptyGraceMs)) continue;
      } else if (holder.pid === process.pid && holder.token === record.token) {
        break;
      }
    }
    if (Date.now() >= deadline) {
      const who = holder !== "missing" && holder !== null ? `process ${holder.pid}${holder.purpose ? ` (${holder.purpose})` : ""}` : "another process";
      throw new KilnError("lock-timeout", `timed out after ${timeoutMs} ms waiting for the lock ${path}, held by ${who}`);
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
  let released = false;
  return {
    path,
    token: record.token,
    async release() {
      if (released) return;
      released = true;
      const now = readRecordSync(path);
      if (now !== "missing" && now !== null && now.token === record.token) {
        try {
          unlinkSync(path);
        } catch {
          // gone already
        }
      }
    },
  };
}

/** Runs `fn` holding the lock at `path`; releases it however `fn` ends. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const lock = await acquireLock(path, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
