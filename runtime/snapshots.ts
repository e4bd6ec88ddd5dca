/**
 * Snapshotters: unpacked layers keyed by chain id, and the writable rootfs of one run on top.
 *
 * - `overlay`: one directory per layer (`<root>/overlay/<chain hex>/fs`) with overlay whiteouts;
 *   a run mounts overlayfs (lowerdir = the chain, top first; a fresh upper and work dir in the
 *   run dir) inside the sandbox's mount namespace. Changes: the upper dir.
 * - `copy`: one merged directory per chain (`<root>/copy/<chain hex>/fs`: the parent's copy plus
 *   the layer, whiteouts applied); a run works on a full copy (`cp -a`, reflinks where the
 *   filesystem has them). Changes: a walk comparing the copy with the snapshot. Works anywhere.
 *
 * A snapshot is unpacked into `<root>/<kind>/tmp-*` and renamed into place when complete, so a
 * crash never leaves a half snapshot under a chain id; leftovers of dead kilns are removed when
 * a snapshotter is opened.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, type BigIntStats } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Digest } from "../image/digest.js";
import { createTar, type TarOptions } from "../image/tar.js";
import { KilnError, assertNever } from "../util/errors.js";
import { childProcess } from "../util/lazy-builtins.js";
import { changesToEntries, copyChanges, finishChanges, isOverlayWhiteout, overlayChanges, type Change } from "./diff.js";
import { readXattrs } from "./helper.js";
import type { RootfsSpec } from "./sandbox.js";
import { onOverlayfs } from "./sandbox.js";
import { processStartTime } from "./state.js";
import { unpackLayer } from "./unpack.js";
import { overlayOpaque, type OverlayMeta } from "./overlay-meta.js";
import { chainIds, type Chain, type SnapshotterKind } from "./chains.js";

export type { SnapshotterKind } from "./chains.js";
export const SNAPSHOTTER_KINDS: readonly SnapshotterKind[] = ["overlay", "copy"];

/** A layer to unpack: its diffId and its bytes (a tar, gzip or zstd; recognised by content). */
export interface LayerSource {
  /** Checked while unpacking: a layer whose tar does not hash to it is refused (`digest-mismatch`). */
  readonly diffId: Digest;
  /** The blob digest, to name the layer in errors. */
  readonly digest?: Digest;
  open(): Promise<Readable> | Readable;
}

export { chainIds, type Chain } from "./chains.js";

export interface ActivateOptions {
  readonly existing?: boolean;
  /** When the rootfs was made (ns since the epoch): given back for an existing one. */
  readonly since?: bigint;
  /**
   * The changes must survive a host crash (a kept container): overlay then syncs its upper dir's
   * filesystem when the sandbox ends. Otherwise the mount is `volatile`: a throwaway upper, read
   * right after the run or deleted, does not make the run wait for the host's dirty pages.
   */
  readonly durable?: boolean;
}

/** A run's writable rootfs. */
export interface ActiveRootfs {
  /** When it was made (ns since the epoch); keep it to read the changes later. */
  readonly since: bigint;
  readonly spec: RootfsSpec;
  /** Where changed entries are read: the overlay upper dir or the copied rootfs. */
  readonly changedRoot: string;
  /** The run's changes, without `exclude` (the sandbox's created mount points), parents added, sorted. */
  changes(exclude?: Iterable<string>): Promise<Change[]>;
}

export interface Snapshotter {
  readonly kind: SnapshotterKind;
  readonly root: string;
  /** Unpacks the layers not yet unpacked and returns the chain. */
  prepare(layers: readonly LayerSource[]): Promise<Chain>;
  /**
   * A writable rootfs on top of `chain`, made inside `runDir`; with `existing`, the one a
   * previous run left there (a kept container), whose changes are then read.
   */
  activate(chain: Chain, runDir: string, options?: ActivateOptions): Promise<ActiveRootfs>;
  /** Whether the snapshot for this chain id is present. */
  has(chainId: Digest): boolean;
  /**
   * Unpacks a layer while a step writes it (`tar`: the bytes the store is given at the same
   * time) as the snapshot on top of `parent`, filed under its chain id once `diffId` (the
   * store's digest of those bytes) is known: a later RUN then finds it instead of reading the
   * layer back and unpacking it after the step. Overlay only (a copy snapshot is the parent's
   * whole tree plus the layer); the copy snapshotter just drains `tar`. Never rejects: on any
   * failure the half snapshot is removed and the rest of `tar` drained (`prepare` unpacks the
   * layer later, reporting what is wrong). Resolves whether the snapshot was made.
   */
  unpackAhead(parent: Chain, tar: Readable, diffId: Promise<Digest>): Promise<boolean>;
}

export interface SnapshotterOptions {
  /** Directory holding `overlay/` and `copy/` (e.g. `$KILN_ROOT/snapshots`). */
  readonly root: string;
  readonly onWarning?: (message: string) => void;
}

const hex = (d: Digest) => d.slice(d.indexOf(":") + 1);

/** Chooses: `overlay` as root when the kernel has overlayfs and the store is not itself on overlayfs; else `copy`. */
export function defaultSnapshotterKind(root: string): SnapshotterKind {
  if (process.getuid?.() !== 0) return "copy";
  try {
    if (!/\toverlay\n/.test(readFileSync("/proc/filesystems", "utf8"))) return "copy";
  } catch {
    return "copy";
  }
  mkdirSync(root, { recursive: true });
  return onOverlayfs(root) ? "copy" : "overlay";
}

export function openSnapshotter(kind: SnapshotterKind | "auto", options: SnapshotterOptions): Snapshotter {
  const k = kind === "auto" ? defaultSnapshotterKind(options.root) : kind;
  switch (k) {
    case "overlay":
      return new OverlaySnapshotter(options);
    case "copy":
      return new CopySnapshotter(options);
    default:
      return assertNever(k, "snapshotter");
  }
}

function cleanTemps(dir: string): void {
  for (const name of readdirSafe(dir)) {
    if (!name.startsWith("tmp-")) continue;
    const p = join(dir, name);
    let owner = "";
    try {
      owner = readFileSync(join(p, "owner"), "utf8");
    } catch {
      // none yet
    }
    const [pid, start] = owner.trim().split(" ");
    if (pid && processStartTime(Number(pid)) === start) continue;
    if (!pid && Date.now() - lstatSync(p).mtimeMs < 60_000) continue;
    rmSync(p, { recursive: true, force: true });
  }
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function newTemp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const t = mkdtempSync(join(dir, "tmp-"));
  writeFileSync(join(t, "owner"), `${process.pid} ${processStartTime(process.pid) ?? "?"}\n`);
  return t;
}

/** Moves a finished temp snapshot to its key; when another kiln was faster, keeps theirs. */
function commit(temp: string, final: string): void {
  rmSync(join(temp, "owner"), { force: true });
  try {
    renameSync(temp, final);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
    rmSync(temp, { recursive: true, force: true });
  }
}

export function copyTree(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    childProcess().execFile("cp", ["-a", "--reflink=auto", `${from}/.`, to], (err, _out, stderr) => {
      if (err) reject(new KilnError("copy-failed", `copying ${from} to ${to}: ${stderr.trim() || err.message}`));
      else resolve();
    });
  });
}

/**
 * A time after every timestamp written in `dir` so far, on the filesystem's own clock: a new
 * marker file's ctime + 1 ns. The copy snapshotter calls a directory born at or after `since`
 * "made again during the run"; with `Date.now()` (milliseconds, truncated), directories `cp`
 * made in the same millisecond counted as remade, and the step's layer had them opaque with
 * their whole contents (a CI flake of the stacked-layers test). The kernel stamps files from a
 * coarse clock, so a step's first entries may share the marker's tick and look older: then
 * the walk reports their changes entry by entry, which is the same content.
 */
function fsClockAfter(dir: string): bigint {
  const marker = join(dir, ".kiln-since");
  writeFileSync(marker, "");
  const st = lstatSync(marker, { bigint: true });
  rmSync(marker);
  const latest = st.birthtimeNs > st.ctimeNs ? st.birthtimeNs : st.ctimeNs;
  return latest + 1n;
}

/**
 * What both snapshotters share: a directory per chain id under `root/<kind>/`, each unpacked in
 * a temp dir and renamed into place when complete, and leftovers of a dead kiln removed.
 */
abstract class ChainSnapshotter {
  abstract readonly kind: "copy" | "overlay";
  readonly root: string;
  constructor(
    protected readonly options: SnapshotterOptions,
    kind: "copy" | "overlay",
  ) {
    this.root = join(options.root, kind);
    mkdirSync(this.root, { recursive: true });
    cleanTemps(this.root);
  }

  has(chainId: Digest): boolean {
    return existsSync(join(this.root, hex(chainId), "fs"));
  }

  /** Fills `temp/fs` with the snapshot of layer `i` on top of `dirs[0..i)`, checking the layer's diff_id unless `verify` is false. */
  protected abstract unpack(layer: LayerSource, temp: string, i: number, dirs: readonly string[], options?: { verify?: boolean }): Promise<void>;

  async prepare(layers: readonly LayerSource[]): Promise<Chain> {
    const ids = chainIds(layers.map((l) => l.diffId));
    const dirs = ids.map((id) => join(this.root, hex(id), "fs"));
    for (let i = 0; i < layers.length; i++) {
      if (existsSync(dirs[i]!)) continue;
      const temp = newTemp(this.root);
      mkdirSync(join(temp, "fs"));
      try {
        await this.unpack(layers[i]!, temp, i, dirs);
      } catch (err) {
        rmSync(temp, { recursive: true, force: true }); // nothing half-unpacked or unverified stays
        throw err;
      }
      commit(temp, join(this.root, hex(ids[i]!)));
    }
    return { kind: this.kind, chainIds: ids, dirs };
  }

  async unpackAhead(parent: Chain, tar: Readable, diffId: Promise<Digest>): Promise<boolean> {
    if (this.kind !== "overlay" || parent.kind !== this.kind) {
      tar.resume();
      return false;
    }
    let temp: string | undefined;
    try {
      temp = newTemp(this.root);
      mkdirSync(join(temp, "fs"));
      // no diff_id check here: these are the bytes the store hashes into `diffId` right now
      await this.unpack({ diffId: "sha256:" as Digest, open: () => tar }, temp, parent.dirs.length, parent.dirs, { verify: false });
      const top = parent.chainIds[parent.chainIds.length - 1];
      // chain(top) followed by this layer: the second id is sha256(top + " " + diffId)
      const chainId = chainIds(top === undefined ? [await diffId] : [top, await diffId]).pop()!;
      commit(temp, join(this.root, hex(chainId)));
      return true;
    } catch {
      if (temp) rmSync(temp, { recursive: true, force: true });
      tar.resume(); // the store's copy of the stream must not wait for this one
      return false;
    }
  }

  /** Every layer's tar is checked against its diff_id while it is unpacked. */
  protected checks(layer: LayerSource, i: number, verify = true): { diffId?: Digest; what: string } {
    const what = `layer ${i + 1} (${layer.digest ?? layer.diffId})`;
    return verify ? { diffId: layer.diffId, what } : { what: `layer ${i + 1}` };
  }

  protected get warnings() {
    return this.options.onWarning ? { onWarning: this.options.onWarning } : {};
  }
}

class CopySnapshotter extends ChainSnapshotter implements Snapshotter {
  readonly kind = "copy" as const;
  constructor(options: SnapshotterOptions) {
    super(options, "copy");
  }

  protected async unpack(layer: LayerSource, temp: string, i: number, dirs: readonly string[], options: { verify?: boolean } = {}): Promise<void> {
    const fs = join(temp, "fs");
    if (i > 0) await copyTree(dirs[i - 1]!, fs);
    await unpackLayer(await layer.open(), fs, { mode: "merged", ...this.checks(layer, i, options.verify), ...this.warnings });
  }

  async activate(chain: Chain, runDir: string, options: ActivateOptions = {}): Promise<ActiveRootfs> {
    const rootfs = join(runDir, "rootfs");
    const top = chain.dirs[chain.dirs.length - 1];
    const lower = top ?? join(runDir, "empty");
    if (!options.existing) {
      mkdirSync(rootfs);
      if (top) await copyTree(top, rootfs);
      else mkdirSync(lower);
    }
    const since = options.since ?? fsClockAfter(runDir);
    return {
      since,
      spec: { kind: "bind", dir: rootfs },
      changedRoot: rootfs,
      changes: async (exclude = []) => finishChanges(copyChanges(rootfs, lower, since), exclude),
    };
  }
}

export { overlayOpaque };

class OverlaySnapshotter extends ChainSnapshotter implements Snapshotter {
  readonly kind = "overlay" as const;
  constructor(options: SnapshotterOptions) {
    super(options, "overlay");
  }

  protected async unpack(layer: LayerSource, temp: string, i: number, dirs: readonly string[], options: { verify?: boolean } = {}): Promise<void> {
    const lowers = dirs.slice(0, i).reverse();
    const stats = await unpackLayer(await layer.open(), join(temp, "fs"), { mode: "overlay", lowers, ...this.checks(layer, i, options.verify), ...this.warnings });
    const meta: OverlayMeta = { opaque: stats.opaque };
    writeFileSync(join(temp, "meta.json"), JSON.stringify(meta));
  }

  private opaqueOf(fsDir: string): Set<string> {
    return overlayOpaque(fsDir);
  }

  async activate(chain: Chain, runDir: string, options: ActivateOptions = {}): Promise<ActiveRootfs> {
    const upper = join(runDir, "upper");
    const work = join(runDir, "work");
    const target = join(runDir, "mnt");
    if (!options.existing) for (const d of [upper, work, target]) mkdirSync(d);
    let lowers = [...chain.dirs].reverse(); // top first
    if (lowers.length === 0) {
      const empty = join(runDir, "empty");
      mkdirSync(empty, { recursive: true });
      lowers = [empty];
    }
    const layerOpaque = lowers.map((d) => this.opaqueOf(d));
    const lookup = (path: string): BigIntStats | undefined => overlayLookup(lowers, layerOpaque, path);
    const lowerPath = (path: string): string => {
      for (const l of lowers) if (existsSync(join(l, path)) || lstatOrNull(join(l, path))) return join(l, path);
      return join(lowers[0]!, path);
    };
    const since = options.since ?? fsClockAfter(runDir); // the same clock as upper's ctimes
    const doubt = since - 1_000_000_000n; // ctime clocks are coarse: a second of doubt
    // relative lowerdirs from the snapshots root keep the mount options short (one page at most)
    const rel = lowers.map((d) => (d.startsWith(`${this.root}/`) ? d.slice(this.root.length + 1) : d));
    return {
      since,
      spec: { kind: "overlay", lower: rel, upper, work, target, mountCwd: this.root, volatile: !options.durable },
      changedRoot: upper,
      changes: async (exclude = []) => {
        const xattrs = await readXattrs(upper);
        const opaque = new Set<string>();
        for (const [path, attrs] of xattrs) {
          for (const name of ["trusted.overlay.opaque", "user.overlay.opaque"]) if (attrs.get(name)?.toString() === "y") opaque.add(path);
        }
        return finishChanges(overlayChanges(upper, lookup, lowerPath, opaque, doubt), exclude);
      },
    };
  }
}


function lstatOrNull(p: string): BigIntStats | null {
  try {
    return lstatSync(p, { bigint: true });
  } catch {
    return null;
  }
}

/** What the stacked layer dirs (top first) show at `path`, as overlayfs would. */
export function overlayLookup(lowers: readonly string[], opaque: readonly ReadonlySet<string>[], path: string): BigIntStats | undefined {
  const parts = path.split("/");
  for (let i = 0; i < lowers.length; i++) {
    const layer = lowers[i]!;
    let blocked = opaque[i]!.has("");
    let present = true;
    for (let j = 1; j < parts.length; j++) {
      const prefix = parts.slice(0, j).join("/");
      const st = lstatOrNull(join(layer, prefix));
      if (!st) {
        present = false;
        break;
      }
      if (isOverlayWhiteout(st) || !st.isDirectory()) return undefined;
      if (opaque[i]!.has(prefix)) blocked = true;
    }
    if (present) {
      const st = lstatOrNull(join(layer, path));
      if (st) return isOverlayWhiteout(st) ? undefined : st;
    }
    if (blocked) return undefined;
  }
  return undefined;
}

/** A deterministic layer tar of the changes (entries read from `root`). */
export function changesToTar(changes: readonly Change[], root: string, options: TarOptions = {}): Readable {
  return createTar(changesToEntries(changes, root), options);
}
