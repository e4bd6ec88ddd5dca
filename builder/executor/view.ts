/**
 * A read-only view of a stage's root filesystem without mounting anything on the host: the
 * snapshot chain's directories read the way overlayfs would merge them (whiteouts and opaque
 * directories honoured), or the copy snapshotter's merged directory as is. COPY, ADD and
 * WORKDIR use it to resolve destinations (symlinks followed inside the root, the way
 * `resolveInRoot` does), to learn what exists and who owns it, and to read /etc/passwd;
 * `COPY --from` reads a stage's files through it.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from "node:fs";
import { join } from "node:path";
import type { Chain } from "../../runtime/chains.js";
import { overlayOpaque } from "../../runtime/overlay-meta.js";
import { resolveComponents, type LinkProbe } from "../../runtime/resolve.js";
import { KilnError } from "../../util/errors.js";

/** An entry of the view: its stats and the host path to read it from. */
export interface ViewEntry {
  readonly st: Stats;
  readonly host: string;
}

export interface RootView {
  /** The entry at an in-root path (`a/b`, "" = the root), not following a last symlink. */
  lstat(path: string): ViewEntry | undefined;
  /** The names in a directory, sorted. */
  readdir(path: string): string[];
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0;

/** An empty root (FROM scratch). */
export const EMPTY_VIEW: RootView = {
  lstat: (path) => (path === "" ? { st: lstatSync("/"), host: "/nonexistent-kiln-empty-root" } : undefined),
  readdir: () => [],
};

class DirView implements RootView {
  constructor(private readonly dir: string) {}
  lstat(path: string): ViewEntry | undefined {
    const host = path === "" ? this.dir : join(this.dir, path);
    const st = lstatOrUndefined(host);
    return st ? { st, host } : undefined;
  }
  readdir(path: string): string[] {
    try {
      return readdirSync(path === "" ? this.dir : join(this.dir, path)).sort();
    } catch {
      return [];
    }
  }
}

/**
 * The opaque directories of committed overlay snapshots, read once per process (a snapshot
 * never changes once renamed into place).
 */
const opaqueOf = new Map<string, Set<string>>();

/**
 * overlayfs's merge of layer dirs (top first), read with plain lstat. Snapshot dirs do not change
 * while a view is used, so every host lstat and every merged entry is looked up once: resolving
 * a destination, its parents and `--chown` would otherwise repeat the same walk down the layers.
 */
class OverlayView implements RootView {
  private readonly opaque: Set<string>[];
  private readonly hostStats = new Map<string, Stats | undefined>();
  private readonly entries = new Map<string, ViewEntry | undefined>();
  constructor(private readonly lowers: readonly string[]) {
    this.opaque = lowers.map((d) => {
      let o = opaqueOf.get(d);
      if (!o) opaqueOf.set(d, (o = overlayOpaque(d)));
      return o;
    });
  }

  private hostLstat(p: string): Stats | undefined {
    if (this.hostStats.has(p)) return this.hostStats.get(p);
    const st = lstatOrUndefined(p);
    this.hostStats.set(p, st);
    return st;
  }

  /** Whether layer `i` hides everything below it at `path` (an ancestor is a whiteout/non-dir), and whether it is opaque above. */
  private ancestors(i: number, parts: readonly string[]): "hidden" | "opaque" | "ok" | "absent" {
    const layer = this.lowers[i]!;
    let opaque = this.opaque[i]!.has("");
    for (let j = 1; j < parts.length; j++) {
      const prefix = parts.slice(0, j).join("/");
      const st = this.hostLstat(join(layer, prefix));
      if (!st) return opaque ? "opaque" : "absent";
      if (isWhiteout(st) || !st.isDirectory()) return "hidden";
      if (this.opaque[i]!.has(prefix)) opaque = true;
    }
    return opaque ? "opaque" : "ok";
  }

  lstat(path: string): ViewEntry | undefined {
    if (this.entries.has(path)) return this.entries.get(path);
    const e = this.lookup(path);
    this.entries.set(path, e);
    return e;
  }

  private lookup(path: string): ViewEntry | undefined {
    if (path === "") {
      const host = this.lowers[0] ?? "/nonexistent-kiln-empty-root";
      return { st: lstatOrUndefined(host) ?? lstatSync("/"), host };
    }
    const parts = path.split("/");
    for (let i = 0; i < this.lowers.length; i++) {
      const a = this.ancestors(i, parts);
      if (a === "hidden") return undefined;
      if (a !== "absent") {
        const host = join(this.lowers[i]!, path);
        const st = this.hostLstat(host);
        if (st) return isWhiteout(st) ? undefined : { st, host };
      }
      if (a === "opaque") return undefined;
    }
    return undefined;
  }

  readdir(path: string): string[] {
    const parts = path === "" ? [] : path.split("/");
    const seen = new Set<string>();
    const out: string[] = [];
    for (let i = 0; i < this.lowers.length; i++) {
      const a = parts.length === 0 ? (this.opaque[i]!.has("") ? "opaque" : "ok") : this.ancestors(i, [...parts, "x"]);
      if (a === "hidden") break;
      if (a !== "absent") {
        const host = path === "" ? this.lowers[i]! : join(this.lowers[i]!, path);
        const st = lstatOrUndefined(host);
        if (st) {
          if (isWhiteout(st) || !st.isDirectory()) break;
          for (const name of readdirSync(host)) {
            if (seen.has(name)) continue;
            seen.add(name);
            const cst = lstatOrUndefined(join(host, name));
            if (cst && !isWhiteout(cst)) out.push(name);
          }
          if (this.opaque[i]!.has(path)) break;
        }
      }
      if (a === "opaque") break;
    }
    return out.sort();
  }
}

/** The view of a prepared chain (empty chain: the empty root). */
export function chainView(chain: Chain | null): RootView {
  if (!chain || chain.dirs.length === 0) return EMPTY_VIEW;
  if (chain.kind === "copy") return new DirView(chain.dirs[chain.dirs.length - 1]!);
  return new OverlayView([...chain.dirs].reverse());
}

/** A view of a plain directory. */
export function dirView(dir: string): RootView {
  return new DirView(dir);
}

/**
 * Resolves an in-root path through the view with runtime's `resolveInRoot` walk (`..` stops at
 * the root, absolute link targets restart from it). Returns the resolved in-root path (`a/b`,
 * "" = root).
 */
export function resolveInView(view: RootView, path: string, followLast = false): string {
  const probe: LinkProbe = (inRoot) => {
    const e = view.lstat(inRoot);
    if (!e) return "missing";
    return e.st.isSymbolicLink() ? { link: readlinkSync(e.host) } : "other";
  };
  return resolveComponents(path, probe, { followLast }, "the image").join("/");
}

/** A file's text through the view (symlinks followed inside the root), or undefined. */
export function readViewFile(view: RootView, path: string): string | undefined {
  const e = view.lstat(resolveInView(view, path, true));
  if (!e || !e.st.isFile()) return undefined;
  try {
    return readFileSync(e.host, "utf8");
  } catch {
    return undefined;
  }
}

function table(text: string | undefined): string[][] {
  return (text ?? "").split("\n").filter((l) => l !== "" && !l.startsWith("#")).map((l) => l.split(":"));
}

/**
 * `user[:group]` (names or numbers) → uid/gid, looked up in the view's /etc/passwd and
 * /etc/group (BuildKit's chown rules: a numeric user needs no passwd entry; a user without a
 * group gets its primary group, or 0 when numeric and unknown).
 */
export function resolveOwner(view: RootView, spec: string): { uid: number; gid: number } {
  const [user, group] = spec.split(":", 2) as [string, string | undefined];
  const passwd = table(readViewFile(view, "etc/passwd"));
  let uid: number;
  let gid = 0;
  if (/^\d+$/.test(user)) {
    uid = Number(user);
    const entry = passwd.find((f) => f[2] === user);
    if (entry && group === undefined) gid = Number(entry[3] ?? 0);
  } else {
    const entry = passwd.find((f) => f[0] === user);
    if (!entry) throw new KilnError("unknown-user", `unable to find user ${user}: no matching entries in passwd file`);
    uid = Number(entry[2]);
    gid = Number(entry[3] ?? 0);
  }
  if (group !== undefined && group !== "") {
    if (/^\d+$/.test(group)) gid = Number(group);
    else {
      const entry = table(readViewFile(view, "etc/group")).find((f) => f[0] === group);
      if (!entry) throw new KilnError("unknown-group", `unable to find group ${group}: no matching entries in group file`);
      gid = Number(entry[2]);
    }
  }
  return { uid, gid };
}
