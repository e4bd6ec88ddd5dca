/**
 * COPY and ADD: the layer is written directly as a tar of the new entries (no sandbox). Two
 * phases: `prepareCopy` gathers the inputs that make the cache key (context files and their
 * digests through the stat cache, downloads, the keys of source stages) without touching the
 * destination; `apply` then reads the destination rootfs through a view to resolve the
 * destination (symlinks followed inside the root), the `--chown` owner and the parents, and
 * returns the tar entries.
 *
 * Rules (BuildKit's): context files become 0:0 keeping their permission bits unless `--chown`;
 * stage/image files keep their owners unless `--chown`; `--chmod` applies to every copied
 * file and directory; missing parents of the destination are created 0755 (owned by the
 * `--chown` user); existing parents are written with their current metadata. A single file
 * source copied to a destination without a trailing `/` that is not an existing directory is
 * written at that path. `--link` is treated as a plain copy (the layer is the same; kiln does
 * not rebase it).
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { createReadStream } from "node:fs";
import { join, posix } from "node:path";
import { readFileSync, readlinkSync } from "node:fs";
import type { TarEntry } from "../../image/tar.js";
import type { Chmod, CopyEffect } from "../effects.js";
import type { FileInput, StepExtras } from "../cachekey.js";
import { contextRelative, hasWildcards, matchPattern, selectContextFiles, type ContextFile } from "../context.js";
import { BuildCodes, BuildError } from "../errors.js";
import type { ExecEnv } from "./env.js";
import { resolveInView, resolveOwner, type RootView } from "./view.js";

const SMALL_FILE = 1 << 20;

/** One thing to copy, relative to the destination ("" = the destination itself). */
interface Item {
  readonly rel: string;
  readonly type: "file" | "dir" | "symlink";
  readonly mode: number;
  /** Owner from the source (stage/image/archive); context files and heredocs are 0:0. */
  readonly uid: number;
  readonly gid: number;
  readonly mtime: Date;
  readonly host?: string;
  readonly body?: Buffer;
  readonly size: number;
  readonly linkTarget?: string;
}

export interface PreparedCopy {
  /**
   * For a COPY of context files only: a digest of every selected file's path, type, mode,
   * owner, link target, size, mtime, ctime and inode. Equal fingerprints give equal records
   * (the stat cache would return the same content digests), so the executor may reuse the key
   * they made without digesting anything (`StepCache.memo`).
   */
  readonly fingerprint?: string;
  /** The inputs of the key: file digests (through the stat cache), downloads, source keys. */
  extras(): Promise<StepExtras>;
  /** The tar entries of the layer, given the destination rootfs. */
  apply(view: RootView): Promise<TarEntry[]>;
}

/** Applies `--chmod` to a mode (octal, or symbolic like `u+x,go-w`). */
export function applyChmod(chmod: Chmod | null, mode: number, isDir: boolean): number {
  if (!chmod) return mode;
  if (chmod.kind === "octal") return chmod.mode & 0o7777;
  let m = mode & 0o7777;
  for (const clause of chmod.text.split(",")) {
    const match = /^([ugoa]*)([+\-=])([rwxXst]*)$/.exec(clause.trim());
    if (!match) continue;
    const who = match[1] === "" || match[1]!.includes("a") ? "ugo" : match[1]!;
    let bits = 0;
    for (const p of match[3]!) {
      for (const w of who) {
        const shift = w === "u" ? 6 : w === "g" ? 3 : 0;
        if (p === "r") bits |= 4 << shift;
        if (p === "w") bits |= 2 << shift;
        if (p === "x" || (p === "X" && (isDir || (mode & 0o111) !== 0))) bits |= 1 << shift;
        if (p === "s" && w === "u") bits |= 0o4000;
        if (p === "s" && w === "g") bits |= 0o2000;
        if (p === "t") bits |= 0o1000;
      }
    }
    let mask = 0;
    for (const w of who) mask |= w === "u" ? 0o4700 : w === "g" ? 0o2070 : 0o1007;
    if (match[2] === "+") m |= bits;
    else if (match[2] === "-") m &= ~bits;
    else m = (m & ~mask) | bits;
  }
  return m;
}

/** Walks a directory of a view, returning items relative to it. */
function walkView(view: RootView, dir: string, rel: string, out: Item[]): void {
  for (const name of view.readdir(dir)) {
    const p = dir === "" ? name : `${dir}/${name}`;
    const r = rel === "" ? name : `${rel}/${name}`;
    const e = view.lstat(p);
    if (!e) continue;
    out.push(itemFromStat(r, e.st, e.host));
    if (e.st.isDirectory()) walkView(view, p, r, out);
  }
}

function itemFromStat(rel: string, st: import("node:fs").Stats, host: string): Item {
  const type = st.isDirectory() ? "dir" : st.isSymbolicLink() ? "symlink" : "file";
  return {
    rel, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime, host, size: type === "file" ? st.size : 0,
    ...(type === "symlink" ? { linkTarget: readlinkSync(host) } : {}),
  };
}

/** Paths of a view matching a wildcard pattern (component by component). */
function globView(view: RootView, pattern: string): string[] {
  const parts = pattern.split("/");
  let current = [""];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next: string[] = [];
    for (const dir of current) {
      const resolved = resolveInView(view, dir, true);
      if (!hasWildcards(part)) {
        const p = dir === "" ? part.replace(/\\(.)/g, "$1") : `${dir}/${part.replace(/\\(.)/g, "$1")}`;
        if (view.lstat(resolveInView(view, p, false))) next.push(p);
        continue;
      }
      const re = matchPattern(part);
      for (const name of view.readdir(resolved)) if (re.test(name)) next.push(dir === "" ? name : `${dir}/${name}`);
    }
    current = next;
  }
  return current;
}

function notFound(path: string): BuildError {
  return new BuildError(BuildCodes.source, `failed to compute cache key: "/${path}": not found`);
}

/** Archives and downloads (tar-stream, zlib): loaded only by ADD. */
const archive = () => import("./archive.js");

export async function prepareCopy(effect: CopyEffect, env: ExecEnv, stepId: number): Promise<PreparedCopy> {
  const items: Item[] = [];
  const files: FileInput[] = [];
  let sources: Record<string, string> | undefined;
  const pathSources = effect.sources.flatMap((s) => (s.kind === "path" ? [s.path] : []));
  let single = false;
  let stageItems: ((view: RootView) => Item[]) | null = null;
  let contextFiles: readonly ContextFile[] = [];
  // made on first use (archives, downloads): a cached COPY creates no temp directory
  const work = () => join(env.tmpDir, `copy-${stepId}`);

  if (effect.sources.some((s) => s.kind === "git")) {
    throw new BuildError(BuildCodes.source, "ADD of a git repository is not supported by kiln yet");
  }

  if (effect.from.kind === "context") {
    if (pathSources.length > 0) {
      const selected = await selectContextFiles(env.contextDir, pathSources, { ignore: await env.ignore(), exclude: effect.exclude, parents: effect.parents });
      if (effect.sources.length === 1 && pathSources.length === 1 && !effect.parents && !hasWildcards(pathSources[0]!)) {
        const rel = contextRelative(pathSources[0]!);
        try {
          single = !statSync(join(env.contextDir, rel)).isDirectory();
        } catch {
          single = false;
        }
      }
      const rels = pathSources.map((p) => contextRelative(p));
      const patterns = pathSources.map((p) => {
        const rel = contextRelative(p);
        return hasWildcards(rel) ? matchPattern(rel) : null;
      });
      contextFiles = selected;
      for (const f of selected) {
        const pattern = patterns[f.source];
        // ADD extracts a local archive named by a source (not one found inside a copied directory)
        const direct = () => !f.destPath.includes("/") && (pattern ? pattern.test(f.contextPath) : rels[f.source] === f.contextPath);
        const kind = effect.unpack && f.type === "file" && !effect.parents && direct() ? (await archive()).archiveKind(f.hostPath) : null;
        if (kind) {
          const extracted = await (await archive()).extractArchive(f.hostPath, kind, join(work(), `archive-${items.length}`));
          for (const e of extracted) items.push({ ...e, rel: e.rel });
          single = false;
          continue;
        }
        items.push({
          rel: f.destPath, type: f.type, mode: f.mode, uid: 0, gid: 0, mtime: new Date(f.mtimeMs), host: f.hostPath, size: f.size,
          ...(f.linkTarget !== undefined ? { linkTarget: f.linkTarget } : {}),
        });
      }
    }
  } else if (effect.from.kind === "scratch") {
    throw new BuildError(BuildCodes.source, "cannot copy from scratch: it has no files");
  } else {
    const ref = effect.from;
    const name = ref.kind === "stage" ? (ref.name ?? String(ref.index)) : ref.ref;
    sources = { [name]: await env.sourceKey(ref) };
    if (effect.sources.length === 1 && pathSources.length === 1 && !hasWildcards(pathSources[0]!) && !effect.parents) single = true; // decided against the source view below
    stageItems = (view) => {
      const out: Item[] = [];
      for (const spec of pathSources) {
        const rel = contextRelative(spec);
        const matches = hasWildcards(rel) ? globView(view, rel) : [rel];
        if (!hasWildcards(rel) && !view.lstat(resolveInView(view, rel, true))) throw notFound(rel);
        for (const m of matches) {
          const resolved = resolveInView(view, m, true);
          const e = view.lstat(resolved);
          if (!e) continue;
          const prefix = effect.parents ? m : "";
          if (e.st.isDirectory()) {
            if (prefix !== "") out.push({ ...itemFromStat(prefix, e.st, e.host) });
            walkView(view, resolved, prefix, out);
          } else {
            out.push({ ...itemFromStat(effect.parents ? m : posix.basename(m), e.st, e.host) });
          }
        }
      }
      return out;
    };
  }

  for (const s of effect.sources) {
    if (s.kind === "heredoc") {
      items.push({ rel: s.name, type: "file", mode: 0o644, uid: 0, gid: 0, mtime: env.now, body: Buffer.from(s.content), size: Buffer.byteLength(s.content) });
    } else if (s.kind === "url") {
      const { mkdirSync } = await import("node:fs");
      mkdirSync(work(), { recursive: true });
      const { archiveKind, download, extractArchive } = await archive();
      const got = await download(s.url, join(work(), `url-${items.length}`), effect.checksum, env.signal);
      files.push({ path: s.url, type: "file", mode: 0o600, uid: 0, gid: 0, digest: got.digest });
      const kind = s.unpack ? archiveKind(got.host) : null;
      if (kind) {
        for (const e of await extractArchive(got.host, kind, join(work(), `archive-${items.length}`))) items.push(e);
      } else {
        items.push({ rel: s.filename, type: "file", mode: 0o600, uid: 0, gid: 0, mtime: got.mtime, host: got.host, size: got.size });
      }
    }
  }
  if (effect.sources.length === 1 && effect.sources[0]!.kind !== "path") single = effect.sources[0]!.kind !== "git" && !(effect.sources[0]!.kind === "url" && effect.sources[0]!.unpack && items.length !== 1);

  let fingerprint: string | undefined;
  if (effect.from.kind === "context" && effect.sources.every((s) => s.kind === "path")) {
    const h = createHash("sha256");
    for (const f of contextFiles) {
      h.update(`${f.contextPath}\0${f.destPath}\0${f.type}\0${f.mode}\0${f.uid}\0${f.gid}\0${f.linkTarget ?? ""}\0${f.size}\0${f.mtimeMs}\0${f.ctimeMs}\0${f.ino}\0\n`);
    }
    fingerprint = h.digest("hex");
  }
  let extras: Promise<StepExtras> | undefined;

  return {
    ...(fingerprint !== undefined ? { fingerprint } : {}),
    extras: () =>
      (extras ??= (async () => {
        const contextInputs: FileInput[] = [];
        if (contextFiles.length > 0) {
          const stat = env.statCache();
          for (const f of contextFiles) {
            const digest = f.type === "file" ? await stat.digest(f.contextPath, f.hostPath, f) : undefined;
            contextInputs.push({ path: f.contextPath, type: f.type, mode: f.mode, uid: f.uid, gid: f.gid, ...(digest ? { digest } : {}), ...(f.linkTarget !== undefined ? { linkTarget: f.linkTarget } : {}) });
          }
        }
        return { files: [...contextInputs, ...files], ...(sources ? { sources } : {}) };
      })()),
    apply: async (view) => {
      let all = items;
      let singleFile = single;
      if (stageItems) {
        const srcView = await env.sourceView(effect.from);
        all = stageItems(srcView);
        if (singleFile) singleFile = all.length === 1 && all[0]!.type !== "dir";
      } else if (singleFile) {
        singleFile = all.length === 1 && all[0]!.type !== "dir";
      }
      return copyEntries(effect, view, all, singleFile, env.now);
    },
  };
}

/** The tar entries that put `items` at the effect's destination in `view`'s rootfs. */
function copyEntries(effect: CopyEffect, view: RootView, items: readonly Item[], single: boolean, now: Date): TarEntry[] {
  const owner = effect.chown !== null && effect.chown !== "" ? resolveOwner(view, effect.chown) : null;
  const dest = effect.destination;
  let intoDir = dest.endsWith("/") || !single;
  const destResolved = resolveInView(view, dest, true);
  if (!intoDir) {
    const e = view.lstat(destResolved);
    if (e && e.st.isDirectory()) intoDir = true;
  }
  const entries = new Map<string, TarEntry>();
  const resolvedDirs = new Map<string, string>();
  const dirOwner = owner ?? { uid: 0, gid: 0 };

  const ensureDir = (path: string): void => {
    if (path === "") return;
    const parts = path.split("/");
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join("/");
      if (entries.has(p)) continue;
      const e = view.lstat(p);
      if (e && e.st.isDirectory()) {
        entries.set(p, { type: "directory", path: p, mode: e.st.mode & 0o7777, uid: e.st.uid, gid: e.st.gid, mtime: e.st.mtime });
      } else {
        entries.set(p, { type: "directory", path: p, mode: 0o755, uid: dirOwner.uid, gid: dirOwner.gid, mtime: now });
      }
    }
  };
  /** An in-root directory path with existing symlinks followed (memoised). */
  const resolveDir = (dir: string): string => {
    let r = resolvedDirs.get(dir);
    if (r === undefined) {
      r = dir === "" ? "" : resolveInView(view, dir, true);
      resolvedDirs.set(dir, r);
    }
    return r;
  };

  if (intoDir) ensureDir(destResolved);
  for (const item of items) {
    let path: string;
    if (!intoDir) path = destResolved;
    else if (item.rel === "") path = destResolved;
    else {
      const target = destResolved === "" ? item.rel : `${destResolved}/${item.rel}`;
      const dir = posix.dirname(target);
      path = `${resolveDir(dir === "." ? "" : dir)}/${posix.basename(target)}`.replace(/^\//, "");
    }
    const parent = posix.dirname(path);
    ensureDir(parent === "." ? "" : parent);
    if (path === "") continue;
    const uid = owner ? owner.uid : item.uid;
    const gid = owner ? owner.gid : item.gid;
    const mode = applyChmod(effect.chmod, item.mode, item.type === "dir");
    switch (item.type) {
      case "dir":
        entries.set(path, { type: "directory", path, mode, uid, gid, mtime: item.mtime });
        break;
      case "symlink":
        entries.set(path, { type: "symlink", path, target: item.linkTarget ?? "", mode: 0o777, uid, gid, mtime: item.mtime });
        break;
      case "file": {
        const host = item.host;
        // small files whole (a stream per file costs more than its bytes), big ones streamed
        const body = item.body ?? (item.size <= SMALL_FILE ? () => readFileSync(host!) : () => createReadStream(host!));
        entries.set(path, { type: "file", path, mode, uid, gid, mtime: item.mtime, size: item.size, body });
        break;
      }
    }
  }
  return [...entries.values()];
}
