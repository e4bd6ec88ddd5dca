/**
 * The step cache and the context stat cache, under `$KILN_ROOT/cache/` and `$KILN_ROOT/statcache/`.
 *
 * - `cache/steps/<key hex>.json`: one small file per step key: the result (the layer's
 *   descriptor, or none for an empty diff), when it was made, the config after the step, and
 *   the record that made the key (so `--explain-cache` can say what changed). Written to a temp
 *   file and renamed: a reader sees the old file or the new one.
 * - `cache/last/<sha256 of stage label + instruction text>`: the last key seen for that step
 *   position, to find the record a miss is compared with.
 * - `cache/mounts/<sha256 of id>/`: `RUN --mount=type=cache` directories.
 * - `statcache/<sha256 of the context path>.json`: context path → [size, mtimeMs, ctimeMs, ino,
 *   digest], so a warm rebuild digests only the files whose stat changed.
 *
 * A result whose layer blob has left the store (pruned) is a miss.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync, createReadStream } from "node:fs";
import { join } from "node:path";
import type { StepRecord } from "../cachekey.js";

export interface LayerRef {
  readonly digest: string;
  readonly size: number;
  readonly diffId: string;
  readonly mediaType: string;
}

export interface CachedResult {
  readonly key: string;
  /** The layer the step made, or null for an empty diff. */
  readonly layer: LayerRef | null;
  /** RFC 3339: when the result was made (its history entry's `created`). */
  readonly created: string;
  readonly record: StepRecord;
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex");
const hexOf = (key: string) => key.slice(key.indexOf(":") + 1);

/** Writes `data` to `path` atomically (temp file in the same directory, then rename). */
export function writeAtomic(path: string, data: string | Buffer): void {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  writeFileSync(temp, data);
  renameSync(temp, path);
}

export class StepCache {
  private readonly steps: string;
  private readonly last: string;
  readonly mounts: string;

  constructor(readonly dir: string) {
    this.steps = join(dir, "steps");
    this.last = join(dir, "last");
    this.mounts = join(dir, "mounts");
    mkdirSync(this.steps, { recursive: true });
    mkdirSync(this.last, { recursive: true });
  }

  get(key: string): CachedResult | undefined {
    try {
      return JSON.parse(readFileSync(join(this.steps, `${hexOf(key)}.json`), "utf8")) as CachedResult;
    } catch {
      return undefined;
    }
  }

  put(result: CachedResult): void {
    writeAtomic(join(this.steps, `${hexOf(result.key)}.json`), JSON.stringify(result));
  }

  /** The last key recorded for a step position (stage label + instruction text). */
  lastKey(position: string): string | undefined {
    try {
      return readFileSync(join(this.last, sha(position)), "utf8").trim() || undefined;
    } catch {
      return undefined;
    }
  }

  setLastKey(position: string, key: string): void {
    if (this.lastKey(position) === key) return;
    writeAtomic(join(this.last, sha(position)), `${key}\n`);
  }

  /** The host directory of a cache mount id. */
  mountDir(id: string): string {
    return join(this.mounts, sha(id));
  }
}

type StatEntry = [size: number, mtimeMs: number, ctimeMs: number, ino: number, digest: string];

export interface StatLike {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
}

/** Context file digests by (path, size, mtime, ctime, inode). */
export class StatCache {
  private entries: Map<string, StatEntry>;
  private dirty = false;
  private readonly file: string;

  constructor(dir: string, contextDir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${sha(contextDir)}.json`);
    this.entries = new Map();
    try {
      const data = JSON.parse(readFileSync(this.file, "utf8")) as { version: number; entries: Record<string, StatEntry> };
      if (data.version === 1) this.entries = new Map(Object.entries(data.entries));
    } catch {
      // none yet
    }
  }

  /** The digest of a context file, from the cache when its stat is unchanged, else read and remembered. */
  async digest(path: string, hostPath: string, st: StatLike): Promise<string> {
    const e = this.entries.get(path);
    if (e && e[0] === st.size && e[1] === st.mtimeMs && e[2] === st.ctimeMs && e[3] === st.ino) return e[4];
    const digest = await hashFile(hostPath);
    this.entries.set(path, [st.size, st.mtimeMs, st.ctimeMs, st.ino, digest]);
    this.dirty = true;
    return digest;
  }

  save(): void {
    if (!this.dirty) return;
    writeAtomic(this.file, JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) }));
    this.dirty = false;
  }
}

export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(path)
      .on("data", (c) => h.update(c))
      .on("error", reject)
      .on("end", () => resolve(`sha256:${h.digest("hex")}`));
  });
}

/** sha256 of a string, hex. */
export function sha256Hex(text: string): string {
  return sha(text);
}
