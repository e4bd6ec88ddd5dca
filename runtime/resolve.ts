/**
 * THE safe path join (principle 8): every path into a rootfs, a snapshot or an archive's target
 * directory goes through `resolveInRoot`. It walks the path one component at a time the way the
 * kernel would inside a chroot at `root`:
 *
 * - `..` at the root stays at the root (never above it);
 * - a symlink met on the way is read and its target spliced into the rest of the path: an
 *   absolute target restarts from `root` (re-rooted), a relative one continues from the link's
 *   directory, again never above the root;
 * - the last component is followed only with `followLast` (callers that create, replace or
 *   lstat an entry want the link itself);
 * - components that do not exist are taken literally (there is nothing to follow);
 * - more than 255 links on one path throws KilnError `symlink-loop`.
 *
 * The result is an absolute host path that is `root` or lies below it. It is a check at one
 * instant: callers must not let a sandboxed process run while they use it (kiln never does).
 */
import { lstatSync, readlinkSync } from "node:fs";
import { isAbsolute, resolve as resolvePath } from "node:path";
import { KilnError } from "../util/errors.js";

export interface ResolveOptions {
  /** Follow a symlink in the last component too (default false). */
  followLast?: boolean;
}

export const MAX_SYMLINKS = 255;

function components(path: string): string[] {
  return path.split("/").filter((c) => c !== "" && c !== ".");
}

/**
 * What a resolver learns about one in-root path (`a/b`, "" = the root): the target when it is a
 * symlink, `"other"` when it exists and is not one, `"missing"` when it does not exist.
 */
export type LinkProbe = (inRootPath: string) => { link: string } | "other" | "missing";

/**
 * The walk behind `resolveInRoot`, over any tree that can answer `probe` (a host directory, or
 * the builder's view of a layer chain that is not mounted). Returns the resolved in-root
 * components ([] = the root). `what` names the tree in errors.
 */
export function resolveComponents(path: string, probe: LinkProbe, options: ResolveOptions = {}, what = "the root"): string[] {
  if (path.includes("\0")) throw new KilnError("invalid-path", `path ${JSON.stringify(path)} contains a NUL byte`);
  const done: string[] = [];
  const todo = components(path).reverse(); // a stack: next component at the end
  let links = 0;
  let exists = true; // once a component is missing, nothing below it can be a link
  while (todo.length > 0) {
    const part = todo.pop()!;
    if (part === "..") {
      done.pop();
      continue;
    }
    done.push(part);
    const last = todo.length === 0;
    if (!exists || (last && !options.followLast)) continue;
    const found = probe(done.join("/"));
    if (found === "missing") {
      exists = false;
      continue;
    }
    if (found === "other") continue;
    if (++links > MAX_SYMLINKS) {
      throw new KilnError("symlink-loop", `too many levels of symbolic links resolving ${JSON.stringify(path)} in ${what}`);
    }
    done.pop();
    if (isAbsolute(found.link)) done.length = 0;
    const more = components(found.link);
    for (let i = more.length - 1; i >= 0; i--) todo.push(more[i]!);
  }
  return done;
}

/**
 * Resolves `path` (absolute or relative, both taken from the root) inside `root`. Returns the
 * host path. Throws KilnError `invalid-path` for NUL bytes and `symlink-loop` for loops.
 */
export function resolveInRoot(root: string, path: string, options: ResolveOptions = {}): string {
  const base = resolvePath(root);
  const prefix = base === "/" ? "" : base;
  const probe: LinkProbe = (inRoot) => {
    const host = `${prefix}/${inRoot}`;
    try {
      return lstatSync(host).isSymbolicLink() ? { link: readlinkSync(host) } : "other";
    } catch {
      return "missing";
    }
  };
  const done = resolveComponents(path, probe, options, root);
  return done.length === 0 ? base : `${prefix}/${done.join("/")}`;
}

/** The path of `hostPath` relative to `root` as an absolute in-root path (`/a/b`), or undefined when outside. */
export function inRootPath(root: string, hostPath: string): string | undefined {
  const base = resolvePath(root);
  const p = resolvePath(hostPath);
  if (p === base) return "/";
  const prefix = base === "/" ? "/" : `${base}/`;
  if (!p.startsWith(prefix)) return undefined;
  return `/${p.slice(prefix.length)}`;
}

/**
 * Splits and checks an archive or in-root path: no NUL, no `..` (refused, not clamped, where an
 * archive is concerned), leading `/` and `./` dropped. Returns the components; [] is the root.
 */
export function archivePathComponents(path: string): string[] {
  if (path.includes("\0")) throw new KilnError("unsafe-path", `path ${JSON.stringify(path)} contains a NUL byte`);
  const parts = components(path);
  if (parts.includes("..")) throw new KilnError("unsafe-path", `path ${JSON.stringify(path)} contains '..'`);
  return parts;
}
