/**
 * The step cache and the context stat cache, under `$KILN_ROOT/cache/` and `$KILN_ROOT/statcache/`.
 *
 * - `cache/steps/<key hex>.json`: one small file per step key: the result (the layer's
 *   descriptor, or none for an empty diff) and when it was made. Written to a temp file and
 *   renamed: a reader sees the old file or the new one.
 * - `cache/records/<key hex>.json`: the record that made the key, read only by
 *   `--explain-cache` (a COPY's record lists every file, megabytes for a large context: a hit
 *   must not read it).
 * - `cache/last/<sha256 of stage label + instruction text>`: the last key seen for that step
 *   position, to find the record a miss is compared with.
 * - `cache/memo/<sha256 of memo>`: for a COPY of context files, the key last made from its
 *   instruction record (without files) and its files' stat fingerprint, so an unchanged
 *   context needs no digests (the stat cache would give the same ones).
 * - `cache/mounts/<sha256 of id>/`: `RUN --mount=type=cache` directories.
 * - `statcache/<sha256 of the context path>.json`: context path → [size, mtimeMs, ctimeMs, ino,
 *   digest], so a warm rebuild digests only the files whose stat changed.
 *
 * A result whose layer blob has left the store (pruned) is a miss.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, createReadStream } from "node:fs";
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
  private readonly records: string;
  private readonly last: string;
  private readonly memos: string;
  readonly mounts: string;

  constructor(readonly dir: string) {
    this.steps = join(dir, "steps");
    this.records = join(dir, "records");
    this.last = join(dir, "last");
    this.memos = join(dir, "memo");
    this.mounts = join(dir, "mounts");
    mkdirSync(this.steps, { recursive: true });
    mkdirSync(this.records, { recursive: true });
    mkdirSync(this.last, { recursive: true });
    mkdirSync(this.memos, { recursive: true });
  }

  get(key: string): CachedResult | undefined {
    try {
      const r = JSON.parse(readFileSync(join(this.steps, `${hexOf(key)}.json`), "utf8")) as CachedResult;
      return { key: r.key, layer: r.layer, created: r.created };
    } catch {
      return undefined;
    }
  }

  /** The record that made `key`, when it is still there. */
  record(key: string): StepRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(this.records, `${hexOf(key)}.json`), "utf8")) as StepRecord;
    } catch {
      return undefined;
    }
  }

  /** Stores a result and the record of its key (the record first: a result never lacks it). */
  put(result: CachedResult, record: StepRecord): void {
    writeAtomic(join(this.records, `${hexOf(result.key)}.json`), JSON.stringify(record));
    writeAtomic(join(this.steps, `${hexOf(result.key)}.json`), JSON.stringify({ key: result.key, layer: result.layer, created: result.created }));
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

  /** The key remembered for a memo (a COPY's instruction record + its files' stat fingerprint). */
  memo(memo: string): string | undefined {
    try {
      return readFileSync(join(this.memos, sha(memo)), "utf8").trim() || undefined;
    } catch {
      return undefined;
    }
  }

  setMemo(memo: string, key: string): void {
    if (this.memo(memo) === key) return;
    writeAtomic(join(this.memos, sha(memo)), `${key}\n`);
  }

  /** The host directory of a cache mount id. */
  mountDir(id: string): string {
    return join(this.mounts, sha(id));
  }
}

export interface BuildCachePruneResult {
  /** Step results removed because their layer blob is gone from the store. */
  readonly steps: number;
  readonly bytes: number;
}

/**
 * What `kiln system prune` does to the build cache under `cacheDir` once the store has dropped
 * unreferenced blobs: step results whose layer blob is gone (a hit could not be used anyway) go
 * with their records, memos and last-key pointers to them; the parse and lint caches (always
 * recomputable) are emptied. Cache mounts (`RUN --mount=type=cache`) are kept, as the point of
 * them is to outlive builds.
 */
export async function pruneBuildCache(cacheDir: string, hasBlob: (digest: string) => Promise<boolean>, dryRun = false): Promise<BuildCachePruneResult> {
  let steps = 0;
  let bytes = 0;
  const remove = (path: string) => {
    try {
      bytes += statSync(path).size;
      if (!dryRun) unlinkSync(path);
    } catch {
      // gone already (another kiln)
    }
  };
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => !n.includes(".tmp-")) : []);
  const live = new Set<string>();
  for (const name of list(join(cacheDir, "steps"))) {
    let result: CachedResult;
    try {
      result = JSON.parse(readFileSync(join(cacheDir, "steps", name), "utf8")) as CachedResult;
    } catch {
      continue; // being written; a reader treats it as a miss too
    }
    if (result.layer === null || (await hasBlob(result.layer.digest))) {
      live.add(result.key);
      continue;
    }
    steps++;
    remove(join(cacheDir, "steps", name));
    remove(join(cacheDir, "records", name));
  }
  // memos and last-key pointers hold a key: drop those whose result is gone
  for (const sub of ["memo", "last"]) {
    for (const name of list(join(cacheDir, sub))) {
      const path = join(cacheDir, sub, name);
      let key = "";
      try {
        key = readFileSync(path, "utf8").trim();
      } catch {
        continue;
      }
      if (!live.has(key)) remove(path);
    }
  }
  for (const sub of ["parsed", "lint"]) {
    for (const name of list(join(cacheDir, sub))) remove(join(cacheDir, sub, name));
  }
  return { steps, bytes };
}

export interface StatLike {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
}

/**
 * Context file digests by (path, size, mtime, ctime, inode). The file is NUL-separated text,
 * `kiln-statcache-2\0` then per entry `path\0size\0mtimeMs\0ctimeMs\0ino\0digest\0` (a path
 * holds no NUL): one split when loaded, fields parsed only for the paths a build asks about,
 * which keeps a warm rebuild of a 20,000-file COPY from spending its time in JSON.parse.
 */
export class StatCache {
  private static readonly MAGIC = "kiln-statcache-2";
  /** path → its fields in `loaded` (index of the size field), for entries from the file. */
  private loadedAt = new Map<string, number>();
  private loaded: string[] = [];
  /** Entries digested by this build (replace loaded ones). */
  private fresh = new Map<string, [size: number, mtimeMs: number, ctimeMs: number, ino: number, digest: string]>();
  private dirty = false;
  private readonly file: string;

  constructor(dir: string, contextDir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${sha(contextDir)}.stat`);
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch {
      return; // none yet
    }
    const parts = text.split("\0");
    if (parts[0] !== StatCache.MAGIC) return;
    for (let i = 1; i + 5 < parts.length; i += 6) this.loadedAt.set(parts[i]!, i + 1);
    this.loaded = parts;
  }

  /** The digest of a context file, from the cache when its stat is unchanged, else read and remembered. */
  async digest(path: string, hostPath: string, st: StatLike): Promise<string> {
    const f = this.fresh.get(path);
    if (f && f[0] === st.size && f[1] === st.mtimeMs && f[2] === st.ctimeMs && f[3] === st.ino) return f[4];
    const at = this.loadedAt.get(path);
    if (at !== undefined) {
      const p = this.loaded;
      if (Number(p[at]) === st.size && Number(p[at + 1]) === st.mtimeMs && Number(p[at + 2]) === st.ctimeMs && Number(p[at + 3]) === st.ino) return p[at + 4]!;
    }
    const digest = await hashFile(hostPath, st.size);
    this.fresh.set(path, [st.size, st.mtimeMs, st.ctimeMs, st.ino, digest]);
    this.dirty = true;
    return digest;
  }

  /** Writes the file when this build digested something. */
  save(): void {
    if (!this.dirty) return;
    const out: string[] = [StatCache.MAGIC];
    for (const [path, at] of this.loadedAt) {
      if (this.fresh.has(path)) continue;
      const p = this.loaded;
      out.push(path, p[at]!, p[at + 1]!, p[at + 2]!, p[at + 3]!, p[at + 4]!);
    }
    for (const [path, e] of this.fresh) out.push(path, String(e[0]), String(e[1]), String(e[2]), String(e[3]), e[4]);
    writeAtomic(this.file, `${out.join("\0")}\0`);
    this.dirty = false;
  }
}

/** Files up to this size are read in one synchronous call: a stream per small file costs more than its bytes. */
const SMALL_FILE = 1 << 20;

export function hashFile(path: string, size = Infinity): Promise<string> {
  if (size <= SMALL_FILE) {
    try {
      return Promise.resolve(`sha256:${createHash("sha256").update(readFileSync(path)).digest("hex")}`);
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }
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
