/**
 * The local content store: an OCI image layout at KILN_ROOT (see README.md in this folder).
 *
 * Crash safety (principle 7): blobs are streamed into `tmp/`, hashed while written, fsynced and
 * renamed into `blobs/sha256/` only when their digest is right; `index.json` is replaced the same
 * way under the store lock. A process killed at any instant leaves temp files named after its
 * pid, which the next process that takes the lock (or `prune`) removes.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { closeSync, fsync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync, type Stats } from "node:fs";
import { mkdir, open, readdir, readFile, rename, stat, unlink, utimes } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, pipeline, Readable } from "node:stream";
import { DigestHasher, digestOf, DigestTransform, digestHex, parseDigest, type Digest } from "../image/digest.js";
import type { Image, ImageIndex } from "../image/image.js";
import { layerFromOpener, openUncompressed, type Layer } from "../image/layer.js";
import { classifyMediaType, layerMediaType, MediaType, type Compression } from "../image/media-types.js";
import { parseReference, type Reference } from "../image/reference.js";
import { Annotation, type Descriptor, type ImageConfig, type Index, type Manifest } from "../image/types.js";
import { compressor } from "../image/formats/compression.js";
import { KilnError } from "../util/errors.js";
import { currentOwner, fsyncDir, fsyncDirSync, isErrno, ownerAlive, tempName, tempOwner, writeAllSync, writeFileAtomic, writeFileAtomicSync, type Owner } from "./fsutil.js";
import { acquireLock, type HeldLock, type LockOptions } from "./lock.js";
import { entryName, nameAnnotations, parseTagName } from "./names.js";
import { storePaths, type StorePaths } from "./paths.js";
import { storeImage, checkManifest, checkIndex, parseJsonDocument } from "./store-image.js";
import type {
  BlobInfo,
  BlobSource,
  ImageRecord,
  ImageStore,
  PruneOptions,
  PruneResult,
  PutBlobOptions,
  ReferenceGraph,
  StoreUsage,
  WriteOptions,
  CompressOptions,
} from "./types.js";

export const LAYOUT_VERSION = "1.0.0";
const LOCK_NAME = "store.lock";
const LEASE_PREFIX = "lease";
/**
 * In-memory blobs up to this size (configs, manifests, small layers) are written with synchronous
 * calls: open, write, fsync, close, rename and the directory's fsync each cost a trip through the
 * thread pool otherwise, more than the work itself.
 */
const SMALL_BLOB = 4 << 20;

export interface OpenStoreOptions {
  /** Store lock wait limit (default 60 s). */
  lockTimeoutMs?: number;
}

type CompressedMap = { version: 1; layers: Record<string, BlobInfo> };

/** An in-memory blob to store: its bytes, the digest they must have, its name for messages. */
interface SmallBlob {
  readonly data: Uint8Array;
  readonly expected?: { digest: Digest; size?: number };
  readonly what: string;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
}

/** What writing an image's or an index's blobs gives the commit. */
interface WrittenRoot {
  readonly desc: Descriptor;
  /** Every blob the entry reaches, when known without reading them back (an image without a subject). */
  readonly blobs?: readonly Digest[];
  /** The image ID (config digest) of an image. */
  readonly id?: Digest;
  /** Config and manifest, when the caller writes them itself (writeImage's commit batch). */
  readonly small?: readonly SmallBlob[];
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function notFound(what: string): KilnError {
  return new KilnError("image-not-found", `No such image: ${what}`);
}

function emptyIndex(): Index {
  return { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] };
}

function isIndexType(mediaType: string): boolean {
  return classifyMediaType(mediaType).kind === "index";
}

/** The source as an iterable of chunks (strings in it are read as UTF-8 where they are used). */
function chunksOf(source: BlobSource): AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> {
  if (typeof source === "string" || source instanceof Uint8Array) return [source];
  return source as AsyncIterable<Uint8Array | string>;
}

function expectedOf(options: PutBlobOptions | undefined): { digest: Digest; size?: number } | undefined {
  const e = options?.expected;
  if (e === undefined) return undefined;
  return typeof e === "string" ? { digest: parseDigest(e) } : { digest: parseDigest(e.digest), ...(e.size !== undefined ? { size: e.size } : {}) };
}

/** The OCI-layout store. Open it with `openStore`. */
export class LayoutStore implements ImageStore {
  readonly root: string;
  readonly paths: StorePaths;
  private readonly lockOptions: LockOptions;
  /**
   * Marks the async flows that hold the lock (withLock is re-entrant). Enabled only while some
   * flow holds it: a used AsyncLocalStorage installs Node's promise hooks for every promise the
   * process makes until it is disabled (~2% of a 500 MB pull's CPU, more in promise-heavy builds).
   */
  private readonly held = new AsyncLocalStorage<boolean>();
  private lease: { path: string; since: number } | undefined;
  /** A blob was renamed into blobs/ with `deferDirSync`: blobs/ awaits its fsync (next commit or close()). */
  private blobsDirDirty = false;
  private cleanedTemp = false;
  /** Temp files removed when the lock was first taken, reported by the next prune. */
  private unreportedTemp = 0;
  private exitHook: (() => void) | undefined;

  constructor(root: string, options: OpenStoreOptions = {}) {
    this.paths = storePaths(root);
    this.root = this.paths.root;
    this.lockOptions = { timeoutMs: options.lockTimeoutMs ?? 60_000 };
  }

  /** Creates the layout (under the lock) when it is missing; checks its version otherwise. */
  async init(): Promise<this> {
    const p = this.paths;
    try {
      await mkdir(p.root, { recursive: true });
      for (const dir of [p.blobs, p.tmp, p.locks]) await mkdir(dir, { recursive: true });
    } catch (err) {
      throw new KilnError("store-unavailable", `cannot create the kiln store at ${p.root}: ${(err as Error).message}`, { cause: err });
    }
    const layoutOk = await this.readLayoutVersion();
    let indexOk = true;
    try {
      await stat(p.indexFile);
    } catch {
      indexOk = false;
    }
    if (layoutOk && indexOk) return this;
    await this.withLock(async () => {
      if (!(await this.readLayoutVersion())) {
        await writeFileAtomic(p.layoutFile, `${JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION })}\n`, p.tmp, p.root);
      }
      try {
        await stat(p.indexFile);
      } catch {
        await this.writeIndexFile(emptyIndex());
      }
    });
    return this;
  }

  private async readLayoutVersion(): Promise<boolean> {
    let text: string;
    try {
      text = await readFile(this.paths.layoutFile, "utf8");
    } catch (err) {
      if (isErrno(err, "ENOENT")) return false;
      throw err;
    }
    let version: unknown;
    try {
      version = (JSON.parse(text) as { imageLayoutVersion?: unknown }).imageLayoutVersion;
    } catch {
      version = undefined;
    }
    if (typeof version !== "string" || !version.startsWith("1.")) {
      throw new KilnError("store-invalid", `${this.paths.layoutFile} is not an OCI image layout version 1 marker (found ${JSON.stringify(text.trim().slice(0, 80))})`);
    }
    return true;
  }

  // ---------------------------------------------------------------- locks and leases

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held.getStore()) return fn();
    const lock = await this.takeLock();
    try {
      try {
        return await this.held.run(true, fn);
      } finally {
        // one flow holds the lock at a time; work it left running in the background loses the
        // mark with the lock
        this.held.disable();
      }
    } finally {
      await lock.release();
    }
  }

  private async takeLock(): Promise<HeldLock> {
    const lock = await acquireLock(join(this.paths.locks, LOCK_NAME), { ...this.lockOptions, purpose: `kiln ${process.argv.slice(2, 3).join(" ")}`.trim() });
    if (!this.cleanedTemp) {
      this.cleanedTemp = true;
      try {
        this.unreportedTemp += this.cleanTemp().count;
      } catch (err) {
        await lock.release();
        throw err;
      }
    }
    return lock;
  }

  /**
   * Runs an internal step holding the lock, like withLock, without marking the async context:
   * the first AsyncLocalStorage.run() of a process loads and enables Node's promise hooks, which
   * then tax every later promise (~2 ms of a one-file rebuild's commit). Only for `fn`s that
   * never call withLock (they would wait for the lock they hold). Inside withLock, `fn` just runs.
   */
  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    if (this.held.getStore()) return fn();
    const lock = await this.takeLock();
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }

  /** Makes sure this process holds a lease: prune keeps blobs written since it was taken. */
  private ensureLease(): void {
    // synchronous, so however many writes start at once (parallel layer pulls, an image's
    // blobs), the first one takes the lease and the others see it
    if (this.lease) return;
    const path = tempName(this.paths.locks, LEASE_PREFIX);
    const since = Date.now();
    mkdirSync(this.paths.locks, { recursive: true });
    writeFileSync(path, JSON.stringify({ ...currentOwner(), since }), { flag: "wx" });
    this.lease = { path, since };
    this.exitHook = () => {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    };
    process.once("exit", this.exitHook);
  }

  async close(): Promise<void> {
    if (this.blobsDirDirty) this.syncBlobsDir();
    if (this.lease) {
      await unlink(this.lease.path).catch(() => {});
      if (this.exitHook) process.off("exit", this.exitHook);
      this.lease = undefined;
      this.exitHook = undefined;
    }
  }

  /** Oldest `since` of the live leases of other store instances; removes dead ones. */
  private async oldestLease(removeDead: boolean): Promise<number | undefined> {
    let oldest: number | undefined;
    for (const name of await readdir(this.paths.locks).catch(() => [] as string[])) {
      if (!name.startsWith(`${LEASE_PREFIX}.`)) continue;
      const path = join(this.paths.locks, name);
      let rec: (Owner & { since: number }) | undefined;
      try {
        rec = JSON.parse(await readFile(path, "utf8")) as Owner & { since: number };
      } catch {
        rec = undefined;
      }
      const owner = rec ?? tempOwner(name);
      if (this.lease && path === this.lease.path) continue; // our own writes are checked at commit
      if (owner && !ownerAlive(owner)) {
        if (removeDead) await unlink(path).catch(() => {});
        continue;
      }
      const since = rec?.since ?? (await stat(path).then((s) => s.mtimeMs).catch(() => Date.now()));
      oldest = oldest === undefined ? since : Math.min(oldest, since);
    }
    return oldest;
  }

  /** Removes temp files whose owner process is gone. Returns how many and their bytes. (Synchronous: tmp/ is nearly always empty.) */
  private cleanTemp(): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    let names: string[];
    try {
      names = readdirSync(this.paths.tmp);
    } catch {
      names = [];
    }
    for (const name of names) {
      const owner = tempOwner(name);
      if (owner && ownerAlive(owner)) continue;
      const path = join(this.paths.tmp, name);
      const st = statOrUndefined(path);
      if (!st) continue;
      if (!owner && Date.now() - st.mtimeMs < 24 * 3600_000) continue; // not ours to judge yet
      try {
        unlinkSync(path);
        count++;
        bytes += st.size;
      } catch {
        // gone already
      }
    }
    return { count, bytes };
  }

  // ---------------------------------------------------------------- blobs

  blobPath(digest: Digest): string {
    const d = parseDigest(digest);
    if (!d.startsWith("sha256:")) throw new KilnError("unsupported-digest", `the store keeps sha256 blobs only, not ${d}`);
    return join(this.paths.blobs, digestHex(d));
  }

  async hasBlob(digest: Digest): Promise<boolean> {
    try {
      return (await stat(this.blobPath(digest))).isFile();
    } catch (err) {
      if (err instanceof KilnError) throw err;
      return false;
    }
  }

  /**
   * For a blob about to be referenced again: true when the store has it at the expected size,
   * after refreshing its mtime (prune's grace period counts from it); false when it must be
   * written. Two system calls, where hasBlob() and then putBlob() of nothing take three.
   */
  async refreshBlob(expected: { digest: Digest; size?: number }): Promise<boolean> {
    return this.refreshBlobSync(expected);
  }

  /** refreshBlob with synchronous calls (a stat and a utimes: cheaper than two trips through the thread pool). */
  private refreshBlobSync(expected: { digest: Digest; size?: number }): boolean {
    this.ensureLease();
    const path = this.blobPath(expected.digest);
    const existing = statOrUndefined(path);
    if (!existing?.isFile() || (expected.size !== undefined && expected.size !== existing.size)) return false;
    const now = new Date();
    try {
      utimesSync(path, now, now);
    } catch {
      // best effort, as before
    }
    return true;
  }

  /** fsyncs blobs/: every rename into it so far (this process's deferred ones included) is then durable. */
  private syncBlobsDir(): void {
    fsyncDirSync(this.paths.blobs);
    this.blobsDirDirty = false;
  }

  /**
   * Temp files in tmp/ holding `datas`, written with synchronous calls and fsynced together: one
   * wait for the disk (the fsyncs run at once on the thread pool) however many there are. On
   * failure none is left.
   */
  private async writeTemps(datas: readonly { data: Uint8Array; kind: string }[]): Promise<string[]> {
    const temps: string[] = [];
    const fds: number[] = [];
    let ok = false;
    try {
      for (const { data, kind } of datas) {
        const tmp = tempName(this.paths.tmp, kind);
        fds.push(openSync(tmp, "wx", 0o644));
        temps.push(tmp);
        writeAllSync(fds[fds.length - 1]!, data);
      }
      if (fds.length === 1) fsyncSync(fds[0]!);
      else await Promise.all(fds.map((fd) => new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())))));
      ok = true;
      return temps;
    } finally {
      for (const fd of fds) {
        try {
          closeSync(fd);
        } catch {
          // closed
        }
      }
      if (!ok) for (const t of temps) removeQuietly(t);
    }
  }

  /**
   * For a small in-memory blob about to be stored: undefined when the store already has it
   * (mtime refreshed), else its checked digest (KilnError `digest-mismatch` against `expected`).
   */
  private checkSmallBlob(item: SmallBlob): BlobInfo | undefined {
    const { data, expected, what } = item;
    if (expected?.digest.startsWith("sha256:") && this.refreshBlobSync(expected)) return undefined;
    const algorithm = expected ? (expected.digest.slice(0, expected.digest.indexOf(":")) as "sha256") : "sha256";
    const got: BlobInfo = { digest: digestOf(data, algorithm), size: data.byteLength };
    if (expected) {
      if (expected.size !== undefined && expected.size !== got.size) {
        throw new KilnError("digest-mismatch", `${what}: expected ${expected.size} bytes (${expected.digest}), got ${got.size} bytes`);
      }
      if (expected.digest !== got.digest) throw new KilnError("digest-mismatch", `${what}: expected ${expected.digest}, got ${got.digest}`);
    }
    return got;
  }

  /** Renames checked temp blobs into blobs/ in order, adding each to `created`; removes what is left on failure. */
  private renameBlobs(temps: readonly string[], infos: readonly BlobInfo[], created?: Digest[]): void {
    let i = 0;
    try {
      for (; i < temps.length; i++) {
        renameSync(temps[i]!, this.blobPath(infos[i]!.digest));
        created?.push(infos[i]!.digest);
      }
    } finally {
      for (; i < temps.length; i++) removeQuietly(temps[i]!);
    }
  }

  /**
   * Small in-memory blobs (a small layer; an index's images' configs and manifests), checked,
   * written with synchronous calls and fsynced together, renamed, then blobs/ fsynced once (or
   * later, with `deferDirSync`). A blob already stored only has its mtime refreshed.
   */
  private async putSmallBlobs(items: readonly SmallBlob[], created?: Digest[], deferDirSync = false): Promise<BlobInfo[]> {
    this.ensureLease();
    const infos = items.map((item) => this.checkSmallBlob(item));
    const todo = items.flatMap((item, i) => (infos[i] ? [{ data: item.data, info: infos[i]! }] : []));
    if (todo.length > 0) {
      const temps = await this.writeTemps(todo.map((t) => ({ data: t.data, kind: "blob" })));
      this.renameBlobs(temps, todo.map((t) => t.info), created);
      if (deferDirSync) this.blobsDirDirty = true;
      else this.syncBlobsDir();
    }
    return items.map((item, i) => infos[i] ?? { digest: item.expected!.digest, size: item.expected!.size ?? item.data.byteLength });
  }

  async putBlob(source: BlobSource, options: PutBlobOptions = {}): Promise<BlobInfo> {
    const expected = expectedOf(options);
    const what = options.what ?? (expected ? `blob ${expected.digest}` : "blob");
    if ((typeof source === "string" || source instanceof Uint8Array) && !options.verify) {
      const data = typeof source === "string" ? Buffer.from(source, "utf8") : source;
      if (data.byteLength <= SMALL_BLOB) return (await this.putSmallBlobs([{ data, ...(expected ? { expected } : {}), what }], undefined, options.deferDirSync))[0]!;
    }
    this.ensureLease();
    if (expected && expected.digest.startsWith("sha256:")) {
      const existing = await stat(this.blobPath(expected.digest)).catch(() => undefined);
      if (existing?.isFile() && (expected.size === undefined || expected.size === existing.size)) {
        if (source instanceof Readable) source.destroy();
        const now = new Date();
        await utimes(this.blobPath(expected.digest), now, now).catch(() => {});
        return { digest: expected.digest, size: existing.size };
      }
    }
    const tmp = tempName(this.paths.tmp, "blob");
    const hasher = new DigestHasher(expected ? (expected.digest.slice(0, expected.digest.indexOf(":")) as "sha256") : "sha256");
    const fh = await open(tmp, "wx", 0o644);
    let ok = false;
    // chunks (64 KiB from a socket) are written in batches of 1 MiB: one thread-pool round
    // trip per MiB instead of 16, and one batch is written while the next one is read
    let batch: Uint8Array[] = [];
    let batched = 0;
    let writing: Promise<void> | undefined;
    const flush = async () => {
      await writing;
      const bufs = batch;
      batch = [];
      batched = 0;
      writing = writeAll(bufs);
      writing.catch(() => {}); // awaited by the next flush or at the end
    };
    const writeAll = async (bufs: Uint8Array[]) => {
      let { bytesWritten } = await fh.writev(bufs);
      for (const b of bufs) {
        // rare short writes: the rest of each buffer one by one
        if (bytesWritten >= b.byteLength) {
          bytesWritten -= b.byteLength;
          continue;
        }
        let off = bytesWritten;
        bytesWritten = 0;
        while (off < b.byteLength) off += (await fh.write(b, off, b.byteLength - off)).bytesWritten;
      }
    };
    try {
      // no generator between the source and this loop: a hop per chunk adds up on big blobs
      for await (const item of chunksOf(source)) {
        const chunk = typeof item === "string" ? Buffer.from(item, "utf8") : item;
        hasher.update(chunk);
        if (expected?.size !== undefined && hasher.size > expected.size) {
          throw new KilnError("digest-mismatch", `${what}: more than the expected ${expected.size} bytes (${expected.digest})`);
        }
        batch.push(chunk);
        batched += chunk.byteLength;
        if (batched >= 1024 * 1024) await flush();
      }
      if (batched > 0) await flush();
      await writing;
      const got: BlobInfo = { digest: hasher.digest(), size: hasher.size };
      if (expected) {
        if (expected.size !== undefined && expected.size !== got.size) {
          throw new KilnError("digest-mismatch", `${what}: expected ${expected.size} bytes (${expected.digest}), got ${got.size} bytes`);
        }
        if (expected.digest !== got.digest) throw new KilnError("digest-mismatch", `${what}: expected ${expected.digest}, got ${got.digest}`);
      }
      await options.verify?.();
      options.hashed?.(got);
      await fh.sync();
      await fh.close();
      const target = this.blobPath(got.digest);
      await rename(tmp, target);
      ok = true;
      if (options.deferDirSync) this.blobsDirDirty = true;
      else await fsyncDir(this.paths.blobs);
      return got;
    } finally {
      if (!ok) {
        await writing?.catch(() => {});
        await fh.close().catch(() => {});
        await unlink(tmp).catch(() => {});
        if (source instanceof Readable) source.destroy();
      }
    }
  }

  async getBlob(digest: Digest, options: { size?: number; what?: string } = {}): Promise<Readable> {
    const path = this.blobPath(digest);
    const what = options.what ?? `blob ${digest}`;
    let fh;
    try {
      fh = await open(path, "r");
    } catch (err) {
      if (isErrno(err, "ENOENT")) throw new KilnError("blob-missing", `${what} is missing from the store (${path})`);
      throw err;
    }
    // 1 MiB reads: a 500 MB layer in 500 reads and hash updates, not 8000
    const file = fh.createReadStream({ highWaterMark: 1024 * 1024 });
    const verify = new DigestTransform({ expect: { digest, ...(options.size !== undefined ? { size: options.size } : {}), what } });
    const out = new PassThrough();
    pipeline(file, verify, out, () => {});
    return out;
  }

  async readBlob(digest: Digest, options: { size?: number; what?: string } = {}): Promise<Buffer> {
    const path = this.blobPath(digest);
    const what = options.what ?? `blob ${digest}`;
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (err) {
      if (isErrno(err, "ENOENT")) throw new KilnError("blob-missing", `${what} is missing from the store (${path})`);
      throw err;
    }
    if (options.size !== undefined && options.size !== data.byteLength) {
      throw new KilnError("digest-mismatch", `${what}: expected ${options.size} bytes (${digest}), got ${data.byteLength} bytes`);
    }
    const got = digestOf(data, digest.startsWith("sha512:") ? "sha512" : "sha256");
    if (got !== digest) throw new KilnError("digest-mismatch", `${what}: expected ${digest}, got ${got}`);
    return data;
  }

  private async blobSize(digest: Digest): Promise<number | undefined> {
    return stat(this.blobPath(digest)).then((s) => s.size, () => undefined);
  }

  // ---------------------------------------------------------------- index.json

  private async readIndexFile(): Promise<Index> {
    let text: string;
    try {
      // synchronous: a few KB, where an awaited read is four trips through the thread pool
      text = readFileSync(this.paths.indexFile, "utf8");
    } catch (err) {
      if (isErrno(err, "ENOENT")) return emptyIndex();
      throw err;
    }
    let doc: Index;
    try {
      doc = JSON.parse(text) as Index;
    } catch (err) {
      throw new KilnError("store-invalid", `${this.paths.indexFile} is not valid JSON: ${(err as Error).message}`);
    }
    if (!doc || !Array.isArray(doc.manifests)) throw new KilnError("store-invalid", `${this.paths.indexFile} has no "manifests" array`);
    return doc;
  }

  private async writeIndexFile(doc: Index): Promise<void> {
    // synchronous (write, fsync, rename, fsync of the root): the same order, no thread-pool trips
    writeFileAtomicSync(this.paths.indexFile, `${JSON.stringify(doc, null, 2)}\n`, this.paths.tmp, this.paths.root);
  }

  /** Read-modify-write of index.json under the lock. `edit` returns the new manifests list (and must not call withLock). */
  private async updateIndex<T>(edit: (manifests: Descriptor[]) => Promise<{ manifests: Descriptor[]; result: T }>): Promise<T> {
    return this.locked(async () => {
      const doc = await this.readIndexFile();
      const { manifests, result } = await edit(doc.manifests.map((d) => ({ ...d })));
      await this.writeIndexFile({ ...doc, schemaVersion: 2, mediaType: doc.mediaType ?? MediaType.OciIndex, manifests });
      return result;
    });
  }

  // ---------------------------------------------------------------- images

  /**
   * Writes every blob of an image (layers, config, manifest), checking media types first; blobs
   * this call created are added to `created`. Returns the manifest's descriptor, every blob the
   * commit must find (unless the manifest has a subject: then the commit walks it) and the image
   * ID. With `deferSmall`, config and manifest are returned (`small`) instead of written.
   */
  private async writeImageBlobs(image: Image, created: Digest[], deferSmall = false): Promise<WrittenRoot> {
    const raw = await image.rawManifest();
    const mediaType = await image.mediaType();
    const manifest = parseJsonDocument<Manifest>(raw, "image manifest");
    checkManifest(manifest, mediaType, "image");
    const layers = await image.layers();
    if (layers.length !== manifest.layers.length) {
      throw new KilnError("invalid-image", `image has ${layers.length} layers but its manifest lists ${manifest.layers.length}`);
    }
    for (const [i, d] of manifest.layers.entries()) {
      if (layers[i]!.digest !== d.digest) throw new KilnError("invalid-image", `layer ${i + 1}: manifest lists ${d.digest}, the image gives ${layers[i]!.digest}`);
    }
    const digest = await image.digest();
    // Layers already stored (most of them, when a build re-tags or adds a layer) only get their
    // mtime refreshed (a stat and a utimes each, synchronous: ~1 ms per layer through the thread
    // pool). Missing layers are written one at a time (each is a stream, maybe from one archive),
    // then config and manifest together (their fsyncs at once, one fsync of blobs/).
    for (const [i, d] of manifest.layers.entries()) {
      if (this.refreshBlobSync(d)) continue;
      await this.putBlob(await layers[i]!.open(), { expected: d, what: `layer ${i + 1} (${d.digest})` });
      created.push(d.digest);
    }
    const rawConfig = await image.rawConfig();
    const small: SmallBlob[] = [
      { data: rawConfig, expected: manifest.config, what: `config ${manifest.config.digest}` },
      { data: raw, expected: { digest, size: raw.byteLength }, what: `manifest ${digest}` },
    ];
    if (!deferSmall) await this.putSmallBlobs(small, created);
    const desc: Descriptor = { mediaType, digest, size: raw.byteLength };
    try {
      const config = parseJsonDocument<ImageConfig>(rawConfig, "image config");
      if (config.architecture && config.os) {
        desc.platform = { architecture: config.architecture, os: config.os, ...(config.variant ? { variant: config.variant } : {}) };
      }
    } catch {
      // checked again when read
    }
    const id = parseDigest(manifest.config.digest);
    const blobs = manifest.subject ? {} : { blobs: [digest, id, ...manifest.layers.map((l) => parseDigest(l.digest))] };
    return { desc, id, ...blobs, ...(deferSmall ? { small } : {}) };
  }

  private async writeIndexBlobs(index: ImageIndex, created: Digest[]): Promise<WrittenRoot> {
    const raw = await index.rawManifest();
    const mediaType = await index.mediaType();
    const doc = parseJsonDocument<Index>(raw, "image index");
    checkIndex(doc, mediaType);
    for (const child of doc.manifests) {
      const info = classifyMediaType(child.mediaType, `manifest ${child.digest}`);
      if (info.kind === "index") await this.writeIndexBlobs(await index.index(child.digest), created);
      else if (info.kind === "manifest") await this.writeImageBlobs(await index.image(child.digest), created);
      else throw new KilnError("unsupported-media-type", `image index ${await index.digest()} lists ${child.digest} with media type ${JSON.stringify(child.mediaType)}, which kiln cannot store`);
    }
    const digest = await index.digest();
    if (!(await this.hasBlob(digest))) {
      await this.putBlob(raw, { expected: { digest, size: raw.byteLength }, what: `image index ${digest}` });
      created.push(digest);
    }
    return { desc: { mediaType, digest, size: raw.byteLength } };
  }

  /**
   * Layers first (before the lock), then one batch under the lock: the config, the manifest and
   * the new index.json written to temp files and fsynced at once; the blobs renamed into place;
   * blobs/ fsynced (so every blob index.json will name is durable, a build's deferred layers
   * included); the image's blobs checked; index.json renamed over the old one; the root fsynced.
   * Three waits for the disk where blobs and index one after the other took five.
   */
  async writeImage(image: Image, options: WriteOptions = {}): Promise<ImageRecord> {
    const names = checkedNames(options);
    const created: Digest[] = [];
    let written: WrittenRoot;
    let entries: Descriptor[];
    try {
      written = await this.writeImageBlobs(image, created, true);
      const { desc, blobs } = written;
      const small = written.small!;
      entries = await this.locked(async () => {
        const doc = await this.readIndexFile();
        const placed = placeNames(doc.manifests.map((d) => ({ ...d })), desc, names);
        const next = Buffer.from(`${JSON.stringify({ ...doc, schemaVersion: 2, mediaType: doc.mediaType ?? MediaType.OciIndex, manifests: placed }, null, 2)}\n`);
        this.ensureLease();
        const infos = small.map((b) => this.checkSmallBlob(b));
        const todo = small.flatMap((b, i) => (infos[i] ? [{ data: b.data, info: infos[i]! }] : []));
        const temps = await this.writeTemps([...todo.map((t) => ({ data: t.data, kind: "blob" })), { data: next, kind: "write" }]);
        const indexTemp = temps.pop()!;
        try {
          this.renameBlobs(temps, todo.map((t) => t.info), created);
          this.syncBlobsDir();
          // commit only what is all there (prune may have raced a deduplicated blob away)
          await this.checkBlobs(desc, blobs);
          renameSync(indexTemp, this.paths.indexFile);
        } catch (err) {
          removeQuietly(indexTemp);
          throw err;
        }
        fsyncDirSync(this.paths.root);
        return placed.filter((d) => d.digest === desc.digest);
      });
    } catch (err) {
      await this.rollback(created).catch(() => {});
      throw err;
    }
    return this.recordOf(entries, written);
  }

  /** KilnError `blob-missing` unless every blob of the entry exists: an image's known blobs by stat, an index's by walking it. */
  private async checkBlobs(desc: Descriptor, blobs: readonly Digest[] | undefined): Promise<void> {
    const missing = blobs ? blobs.find((d) => !statOrUndefined(this.blobPath(d))?.isFile()) : [...(await this.walk([desc])).missing][0];
    if (missing !== undefined) {
      throw new KilnError("blob-missing", `cannot record image ${desc.digest}: blob ${missing} vanished while it was written (a concurrent prune?); try again`);
    }
  }

  /** The record from the index entries just written, without reading index.json (or the manifest) again. */
  private async recordOf(entries: readonly Descriptor[], written: WrittenRoot): Promise<ImageRecord> {
    const { desc, id } = written;
    const record = (await this.recordsFrom(entries, id ? new Map([[desc.digest, id]]) : undefined))[0];
    if (!record) throw notFound(desc.digest);
    return record;
  }

  async writeIndex(index: ImageIndex, options: WriteOptions = {}): Promise<ImageRecord> {
    return this.writeRoot((created) => this.writeIndexBlobs(index, created), options);
  }

  private async writeRoot(write: (created: Digest[]) => Promise<WrittenRoot>, options: WriteOptions): Promise<ImageRecord> {
    const names = checkedNames(options);
    const created: Digest[] = [];
    let written: WrittenRoot;
    let entries: Descriptor[];
    try {
      written = await write(created);
      const { desc, blobs } = written;
      entries = await this.updateIndex(async (manifests) => {
        this.syncBlobsDir(); // every blob index.json will name is durable first
        // commit only what is all there (prune may have raced a deduplicated blob away)
        await this.checkBlobs(desc, blobs);
        const placed = placeNames(manifests, desc, names);
        return { manifests: placed, result: placed.filter((d) => d.digest === desc.digest) };
      });
    } catch (err) {
      await this.rollback(created).catch(() => {});
      throw err;
    }
    return this.recordOf(entries, written);
  }

  /** Deletes the given blobs unless something references them (undoing a failed operation's writes). */
  async discardBlobs(digests: readonly Digest[]): Promise<void> {
    await this.rollback([...digests]);
  }

  /** A temp file path under tmp/ that names this process (removed by the next lock holder if it dies). */
  tempPath(kind: string): string {
    return tempName(this.paths.tmp, kind.replace(/[^a-z0-9-]/gi, "-"));
  }

  /** Deletes blobs a failed write created, unless something now references them. */
  private async rollback(created: Digest[]): Promise<void> {
    if (created.length === 0) return;
    await this.withLock(async () => {
      const graph = await this.references();
      for (const d of created) if (!graph.reachable.has(d)) await unlink(this.blobPath(d)).catch(() => {});
    });
  }

  /** Records of index entries; `ids` gives image IDs already known (else each manifest is read for its config digest). */
  private async recordsFrom(manifests: readonly Descriptor[], ids?: ReadonlyMap<Digest, Digest>): Promise<ImageRecord[]> {
    const byDigest = new Map<Digest, { desc: Descriptor; names: Reference[] }>();
    for (const d of manifests) {
      const kind = classifyMediaType(d.mediaType).kind;
      if (kind !== "manifest" && kind !== "index") continue;
      let entry = byDigest.get(d.digest);
      if (!entry) byDigest.set(d.digest, (entry = { desc: d, names: [] }));
      const name = entryName(d);
      if (name && !entry.names.some((n) => n.equals(name))) entry.names.push(name);
    }
    const out: ImageRecord[] = [];
    for (const { desc, names } of byDigest.values()) {
      const index = isIndexType(desc.mediaType);
      let id: Digest = desc.digest;
      const known = ids?.get(desc.digest);
      if (known) id = known;
      else if (!index) {
        try {
          const m = parseJsonDocument<Manifest>(await this.readBlob(desc.digest, { size: desc.size, what: `manifest ${desc.digest}` }), `manifest ${desc.digest}`);
          id = parseDigest(m.config.digest);
        } catch {
          id = desc.digest; // a broken entry still lists (and can be removed)
        }
      }
      names.sort((a, b) => (a.toString() < b.toString() ? -1 : a.toString() > b.toString() ? 1 : 0));
      out.push({ digest: desc.digest, mediaType: desc.mediaType, size: desc.size, kind: index ? "index" : "image", id, names });
    }
    return out;
  }

  async listImages(): Promise<ImageRecord[]> {
    return this.recordsFrom((await this.readIndexFile()).manifests);
  }

  /** The record of `digest`'s entries alone: listImages() would read every image's manifest. */
  private async recordFor(digest: Digest): Promise<ImageRecord> {
    const rec = (await this.recordsFrom((await this.readIndexFile()).manifests.filter((d) => d.digest === digest)))[0];
    if (!rec) throw notFound(digest);
    return rec;
  }

  async resolve(nameOrId: string): Promise<ImageRecord> {
    const value = nameOrId.trim();
    const quick = await this.resolveEntry(value);
    if (quick) return quick;
    const records = await this.listImages();
    if (/^sha256:[0-9a-f]{64}$/.test(value)) {
      const hit = records.find((r) => r.id === value) ?? records.find((r) => r.digest === value);
      if (hit) return hit;
      throw notFound(nameOrId);
    }
    let ref: Reference | undefined;
    let refError: unknown;
    if (!/^[0-9a-f]{64}$/.test(value)) {
      try {
        ref = parseReference(value);
      } catch (err) {
        refError = err;
      }
    }
    if (ref) {
      if (ref.digest !== undefined) {
        const hit = records.find((r) => r.digest === ref!.digest && (ref!.tag === undefined || r.names.some((n) => n.equals(ref!.withTag(ref!.tag!)))));
        if (hit) return hit;
      } else {
        const hit = records.find((r) => r.names.some((n) => n.equals(ref!)));
        if (hit) return hit;
      }
    }
    const prefix = /^(?:sha256:)?([0-9a-f]{1,64})$/.exec(value)?.[1];
    if (prefix) {
      const ids = new Map<Digest, ImageRecord>();
      for (const r of records) {
        if (digestHex(r.id).startsWith(prefix)) ids.set(r.id, ids.get(r.id) ?? r);
      }
      if (ids.size === 1) return [...ids.values()][0]!;
      if (ids.size > 1) throw new KilnError("ambiguous-image-id", `image ID prefix ${JSON.stringify(value)} matches ${ids.size} images; give more characters`);
    }
    if (!ref && refError instanceof KilnError && !prefix) throw refError;
    throw notFound(nameOrId);
  }

  /**
   * The record of a manifest digest or an exact name, reading only that entry's manifest (a
   * build resolves its base and its result this way; listing every image reads one manifest per
   * image, and dangling results of earlier builds pile up). Undefined: resolve() looks further
   * (image IDs, ID prefixes), with the same answer it would have given.
   */
  private async resolveEntry(value: string): Promise<ImageRecord | undefined> {
    const manifests = (await this.readIndexFile()).manifests.filter((d) => {
      const kind = classifyMediaType(d.mediaType).kind;
      return kind === "manifest" || kind === "index";
    });
    let digest: Digest | undefined;
    if (/^sha256:[0-9a-f]{64}$/.test(value)) {
      // a manifest digest; an image ID (config digest) never equals one, so the order of
      // resolve()'s checks (ID first) gives the same record
      digest = manifests.find((d) => d.digest === value)?.digest;
    } else if (!/^[0-9a-f]{64}$/.test(value)) {
      let ref: Reference;
      try {
        ref = parseReference(value);
      } catch {
        return undefined;
      }
      if (ref.digest !== undefined) return undefined;
      // resolve() takes the first record (by first entry of its digest) carrying the name
      const named = new Set(manifests.filter((d) => entryName(d)?.equals(ref)).map((d) => d.digest));
      digest = manifests.find((d) => named.has(d.digest))?.digest;
    }
    if (digest === undefined) return undefined;
    return (await this.recordsFrom(manifests.filter((d) => d.digest === digest)))[0];
  }

  async image(target: string | ImageRecord): Promise<Image> {
    const rec = typeof target === "string" ? await this.resolve(target) : target;
    if (rec.kind === "image") return storeImage(this, { mediaType: rec.mediaType, digest: rec.digest, size: rec.size });
    return this.imageOfIndex({ mediaType: rec.mediaType, digest: rec.digest, size: rec.size }, 0);
  }

  private async imageOfIndex(desc: Descriptor, depth: number): Promise<Image> {
    if (depth > 4) throw new KilnError("invalid-image", `image index ${desc.digest} nests too deeply`);
    const doc = parseJsonDocument<Index>(await this.readBlob(desc.digest, { size: desc.size }), `image index ${desc.digest}`);
    const arch = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x", riscv64: "riscv64" }[process.arch as string] ?? process.arch;
    const images = doc.manifests.filter((m) => classifyMediaType(m.mediaType).kind === "manifest");
    const pick = images.find((m) => m.platform?.os === "linux" && m.platform.architecture === arch) ?? images.find((m) => !m.platform) ?? images[0];
    if (pick) return storeImage(this, pick);
    const nested = doc.manifests.find((m) => classifyMediaType(m.mediaType).kind === "index");
    if (nested) return this.imageOfIndex(nested, depth + 1);
    throw new KilnError("invalid-image", `image index ${desc.digest} lists no image`);
  }

  async tag(source: string | ImageRecord, target: string | Reference): Promise<ImageRecord> {
    const ref = parseTagName(target);
    return this.withLock(async () => {
      const rec = typeof source === "string" ? await this.resolve(source) : source;
      await this.updateIndex(async (manifests) => {
        const desc = manifests.find((d) => d.digest === rec.digest);
        if (!desc) throw notFound(rec.digest);
        return { manifests: placeNames(manifests, bare(desc), [ref]), result: undefined };
      });
      return this.recordFor(rec.digest);
    });
  }

  async untag(name: string | Reference): Promise<ImageRecord> {
    const ref = parseTagName(name);
    return this.withLock(async () => {
      const before = (await this.listImages()).find((r) => r.names.some((n) => n.equals(ref)));
      if (!before) throw notFound(ref.familiarName());
      await this.updateIndex(async (manifests) => {
        const keep = manifests.filter((d) => !(d.digest === before.digest && entryName(d)?.equals(ref)));
        if (!keep.some((d) => d.digest === before.digest)) {
          const desc = manifests.find((d) => d.digest === before.digest)!;
          keep.push(bare(desc));
        }
        return { manifests: keep, result: undefined };
      });
      return before;
    });
  }

  async deleteImage(digest: Digest): Promise<BlobInfo[]> {
    return this.withLock(async () => {
      const found = await this.updateIndex(async (manifests) => {
        const keep = manifests.filter((d) => d.digest !== digest);
        return { manifests: keep, result: manifests.find((d) => d.digest === digest) };
      });
      if (!found) throw notFound(digest);
      const graph = await this.references();
      const mine = await this.walk([{ mediaType: found.mediaType, digest, size: found.size }], false);
      const removed: BlobInfo[] = [];
      const protect = await this.leaseCutoff();
      for (const d of mine.reachable) {
        if (graph.reachable.has(d)) continue;
        const st = await stat(this.blobPath(d)).catch(() => undefined);
        if (!st) continue;
        if (protect !== undefined && st.mtimeMs >= protect) continue;
        await unlink(this.blobPath(d)).then(() => removed.push({ digest: d, size: st.size }), () => {});
      }
      await this.dropStaleCompressed(graph);
      return removed;
    });
  }

  // ---------------------------------------------------------------- references, prune, usage

  /** Walks manifests and indexes from `roots`. Unreadable documents count as missing. */
  private async walk(roots: readonly Descriptor[], checkSize = true): Promise<ReferenceGraph> {
    const edges = new Map<Digest, Digest[]>();
    const reachable = new Set<Digest>();
    const missing = new Set<Digest>();
    const visit = async (d: { digest: Digest; mediaType: string; size: number }, sized: boolean): Promise<void> => {
      if (reachable.has(d.digest)) return;
      reachable.add(d.digest);
      const kind = classifyMediaType(d.mediaType).kind;
      if (kind !== "manifest" && kind !== "index") {
        if (!(await this.hasBlob(d.digest))) missing.add(d.digest);
        return;
      }
      let raw: Buffer;
      try {
        raw = await this.readBlob(d.digest, sized ? { size: d.size } : {});
      } catch {
        missing.add(d.digest);
        return;
      }
      let children: Descriptor[] = [];
      try {
        if (kind === "manifest") {
          const m = JSON.parse(raw.toString("utf8")) as Manifest;
          children = [m.config, ...(m.layers ?? [])];
          if (m.subject) children.push(m.subject);
        } else {
          children = [...(JSON.parse(raw.toString("utf8")) as Index).manifests];
        }
      } catch {
        missing.add(d.digest);
        return;
      }
      children = children.filter((c) => c && typeof c === "object");
      edges.set(d.digest, children.map((c) => c.digest));
      // a manifest's blobs at once: one by one, each stat waits for the last (~1 ms per layer)
      await Promise.all(children.map((c) => (c && typeof c.digest === "string" && c.digest.startsWith("sha256:") && typeof c.mediaType === "string" ? visit(c, true) : undefined)));
    };
    for (const r of roots) await visit(r, checkSize);
    return { roots: roots.map((r) => r.digest), edges, reachable, missing };
  }

  async references(): Promise<ReferenceGraph> {
    const doc = await this.readIndexFile();
    const graph = await this.walk(doc.manifests);
    // compressed copies of live layers are kept too
    const reachable = new Set(graph.reachable);
    const live = await this.liveDiffIds(graph);
    for (const compression of ["gzip", "zstd"] as const) {
      const map = await this.readCompressed(compression);
      for (const [diffId, blob] of Object.entries(map.layers)) if (live.has(diffId as Digest)) reachable.add(blob.digest);
    }
    return { ...graph, reachable };
  }

  private async liveDiffIds(graph: ReferenceGraph): Promise<Set<Digest>> {
    const live = new Set<Digest>();
    for (const d of graph.reachable) live.add(d); // uncompressed layers: digest = diffId
    for (const [parent, children] of graph.edges) {
      const config = children[0];
      if (!config) continue;
      try {
        const raw = await this.readBlob(config);
        const cfg = JSON.parse(raw.toString("utf8")) as ImageConfig;
        if (cfg?.rootfs && Array.isArray(cfg.rootfs.diff_ids)) for (const id of cfg.rootfs.diff_ids) live.add(id);
      } catch {
        void parent;
      }
    }
    return live;
  }

  private async leaseCutoff(): Promise<number | undefined> {
    const oldest = await this.oldestLease(true);
    return oldest === undefined ? undefined : oldest - 2000;
  }

  private async listBlobs(): Promise<Map<Digest, number>> {
    const out = new Map<Digest, number>();
    for (const name of await readdir(this.paths.blobs).catch(() => [] as string[])) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const st = await stat(join(this.paths.blobs, name)).catch(() => undefined);
      if (st?.isFile()) out.set(`sha256:${name}`, st.size);
    }
    return out;
  }

  async prune(options: PruneOptions = {}): Promise<PruneResult> {
    return this.withLock(async () => {
      const temp = options.dryRun ? { count: 0, bytes: 0 } : await this.cleanTemp();
      const graph = await this.references();
      const blobs = await this.listBlobs();
      const cutoff = await this.leaseCutoff();
      const removed: BlobInfo[] = [];
      for (const [digest, size] of blobs) {
        if (graph.reachable.has(digest)) continue;
        if (cutoff !== undefined) {
          const st = await stat(this.blobPath(digest)).catch(() => undefined);
          if (!st || st.mtimeMs >= cutoff) continue;
        }
        if (!options.dryRun) {
          try {
            await unlink(this.blobPath(digest));
          } catch {
            continue;
          }
        }
        removed.push({ digest, size });
      }
      // stray temp files kiln may have left beside the blobs by older layouts
      if (!options.dryRun) {
        await this.dropStaleCompressed(graph);
        await fsyncDir(this.paths.blobs);
      }
      const tempFiles = temp.count + this.unreportedTemp;
      if (!options.dryRun) this.unreportedTemp = 0;
      return { blobs: removed, reclaimedBytes: removed.reduce((n, b) => n + b.size, 0), tempFiles };
    });
  }

  async usage(): Promise<StoreUsage> {
    const records = await this.listImages();
    const graph = await this.references();
    const named = records.filter((r) => r.names.length > 0);
    const namedGraph = await this.walk(named.map((r) => ({ mediaType: r.mediaType, digest: r.digest, size: r.size })));
    const blobs = await this.listBlobs();
    let blobBytes = 0;
    let referencedBytes = 0;
    let danglingBytes = 0;
    for (const [digest, size] of blobs) {
      blobBytes += size;
      if (graph.reachable.has(digest)) {
        referencedBytes += size;
        if (!namedGraph.reachable.has(digest) && graph.roots.length > 0) danglingBytes += size;
      }
    }
    let tempBytes = 0;
    for (const name of await readdir(this.paths.tmp).catch(() => [] as string[])) {
      tempBytes += await stat(join(this.paths.tmp, name)).then((s) => s.size, () => 0);
    }
    return {
      images: records.length,
      namedImages: named.length,
      blobs: blobs.size,
      blobBytes,
      referencedBytes,
      unreferencedBytes: blobBytes - referencedBytes,
      danglingBytes,
      tempBytes,
    };
  }

  // ---------------------------------------------------------------- compression

  private compressedFile(compression: string): string {
    return join(this.paths.compression, `${compression}.json`);
  }

  private async readCompressed(compression: string): Promise<CompressedMap> {
    try {
      const doc = JSON.parse(await readFile(this.compressedFile(compression), "utf8")) as CompressedMap;
      if (doc && typeof doc.layers === "object" && doc.layers) return doc;
    } catch {
      // missing or unreadable: start afresh (it is only a hint)
    }
    return { version: 1, layers: {} };
  }

  private async dropStaleCompressed(graph: ReferenceGraph): Promise<void> {
    const live = await this.liveDiffIds(graph);
    for (const compression of ["gzip", "zstd"] as const) {
      const map = await this.readCompressed(compression);
      const keys = Object.keys(map.layers);
      const keep = keys.filter((k) => live.has(k as Digest));
      if (keep.length === keys.length) continue;
      const layers: Record<string, BlobInfo> = {};
      for (const k of keep) layers[k] = map.layers[k]!;
      await writeFileAtomic(this.compressedFile(compression), `${JSON.stringify({ version: 1, layers }, null, 2)}\n`, this.paths.tmp, this.paths.compression);
    }
  }

  async compressedBlob(diffId: Digest, compression: "gzip" | "zstd"): Promise<BlobInfo | undefined> {
    const hit = (await this.readCompressed(compression)).layers[diffId];
    if (!hit) return undefined;
    return (await this.blobSize(hit.digest)) === hit.size ? hit : undefined;
  }

  async recordCompressed(diffId: Digest, compression: "gzip" | "zstd", blob: BlobInfo): Promise<void> {
    await mkdir(this.paths.compression, { recursive: true });
    await this.withLock(async () => {
      const map = await this.readCompressed(compression);
      map.layers[diffId] = { digest: blob.digest, size: blob.size };
      await writeFileAtomic(this.compressedFile(compression), `${JSON.stringify(map, null, 2)}\n`, this.paths.tmp, this.paths.compression);
    });
  }

  async compressLayer(layer: Layer, compression: Compression, options: CompressOptions = {}): Promise<Layer> {
    // copyTo is ended by a compression made now, and failed otherwise (its reader must not wait)
    const skipCopy = () => options.copyTo?.destroy(new KilnError("compression-skipped", `layer ${layer.diffId} was not compressed now`));
    const info = classifyMediaType(layer.mediaType);
    if (info.kind !== "layer") {
      skipCopy();
      throw new KilnError("not-a-layer", `media type ${JSON.stringify(layer.mediaType)} is not a layer media type`);
    }
    if (info.compression === compression) {
      skipCopy();
      return layer;
    }
    const mediaType = layerMediaType(info.format, compression);
    if (compression === "none") {
      skipCopy();
      // decompress into the store; the uncompressed digest is the diffId
      const blob = await this.putBlob(await openUncompressed(layer), { expected: layer.diffId, what: `layer ${layer.diffId}` });
      return layerFromOpener(() => this.getBlob(blob.digest, { size: blob.size }), { mediaType, digest: blob.digest, size: blob.size, diffId: layer.diffId });
    }
    let blob = await this.compressedBlob(layer.diffId, compression);
    if (blob) skipCopy();
    else {
      // the same compressor as save (parallel deterministic gzip, image/formats): one layer has
      // one gzip copy whichever command made it first
      const compress = compressor(compression)!;
      const out = new PassThrough();
      pipeline(await openUncompressed(layer), compress, out, () => {});
      const copy = options.copyTo;
      // a reader that already gave up (an upload refused at once) has closed it: piping into a
      // destroyed stream would pause the compressor forever, waiting for a 'drain' never sent
      if (copy && !copy.destroyed) {
        // a second reader of the compressed bytes; pipe() unpipes it if it fails
        compress.pipe(copy);
        copy.on("error", () => {});
        compress.on("close", () => {
          if (!copy.writableEnded) copy.destroy(new KilnError("compression-failed", `compressing layer ${layer.diffId} stopped`));
        });
      }
      blob = await this.putBlob(out, { what: `${compression} layer of ${layer.diffId}`, ...(options.onDigest ? { hashed: options.onDigest } : {}) });
      await this.recordCompressed(layer.diffId, compression, blob);
    }
    const b = blob;
    return layerFromOpener(() => this.getBlob(b.digest, { size: b.size }), { mediaType, digest: b.digest, size: b.size, diffId: layer.diffId });
  }
}

/** The names to give an image, parsed; KilnError `duplicate-name` when one is given twice. */
function checkedNames(options: WriteOptions): Reference[] {
  const names = (options.names ?? []).map((n) => parseTagName(n));
  names.forEach((n, i) => {
    if (names.findIndex((m) => m.equals(n)) !== i) throw new KilnError("duplicate-name", `the name ${n.familiarName()} is given twice`);
  });
  return names;
}

/** A descriptor without names, platform kept. */
function bare(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.platform) out.platform = d.platform;
  const rest = { ...(d.annotations ?? {}) };
  delete rest[Annotation.RefName];
  delete rest[Annotation.ContainerdImageName];
  if (Object.keys(rest).length > 0) out.annotations = rest;
  return out;
}

/**
 * The index entries after giving `desc` the `names`: each name is taken from whatever entry had
 * it (an image left without names keeps one unnamed entry: dangling), and `desc` gets one entry
 * per name, or a single unnamed entry when it has none at all.
 */
function placeNames(manifests: Descriptor[], desc: Descriptor, names: readonly Reference[]): Descriptor[] {
  // each entry's name parsed once, and the digests kept in a set: every rebuild with a change
  // leaves a dangling entry, and this ran in time quadratic in their number
  const parsed = new Map<Descriptor, Reference | undefined>();
  const nameOf = (d: Descriptor): Reference | undefined => {
    if (!parsed.has(d)) parsed.set(d, entryName(d));
    return parsed.get(d);
  };
  let out = manifests.filter((d) => !names.some((n) => nameOf(d)?.equals(n)));
  // images that lost their last name stay, unnamed
  const kept = new Set(out.map((d) => d.digest));
  for (const d of manifests) {
    if (d.digest !== desc.digest && !kept.has(d.digest) && classifyMediaType(d.mediaType).kind !== "other") {
      out.push(bare(d));
      kept.add(d.digest);
    }
  }
  const existingNamed = out.some((d) => d.digest === desc.digest && nameOf(d) !== undefined);
  if (names.length > 0) {
    out = out.filter((d) => d.digest !== desc.digest || nameOf(d) !== undefined); // drop its unnamed entry
    for (const n of names) out.push({ ...bare(desc), annotations: { ...(bare(desc).annotations ?? {}), ...nameAnnotations(n) } });
  } else if (!existingNamed && !kept.has(desc.digest)) {
    out.push(bare(desc));
  }
  // dedupe unnamed entries per digest
  const seen = new Set<string>();
  return out.filter((d) => {
    const key = `${d.digest} ${nameOf(d)?.toString() ?? ""}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Opens (creating when missing) the store at `root`. */
export async function openStore(root: string, options: OpenStoreOptions = {}): Promise<LayoutStore> {
  return new LayoutStore(root, options).init();
}
