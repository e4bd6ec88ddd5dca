/**
 * Build-context selection for COPY/ADD: which files of the context a step copies, walking only
 * the subtrees the step names.
 *
 * - `.dockerignore`: `<Dockerfile>.dockerignore` next to the Dockerfile wins over
 *   `<context>/.dockerignore`; ignored paths do not exist for COPY (a named one is "not found").
 * - Source patterns use Go's filepath.Match: `*` and `?` within one path element, `[...]`
 *   classes (`^` negates), `\` escapes; `**` is not special (it is `*`). A pattern matching
 *   nothing copies nothing (BuildKit allows empty wildcards); a plain path that is missing is an
 *   error naming it.
 * - A directory source copies its contents; a file copies as its base name; the source path itself
 *   is followed through symlinks, resolved inside the context (a link cannot leave it); symlinks
 *   below a copied directory are copied as links.
 * - `--parents`: paths keep their directories from the context root, or from a `/./` pivot.
 * - `--exclude` patterns (dockerignore syntax) apply to the copied paths.
 * - A path that leaves the context with `..` is refused.
 */
import { lstatSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join, posix } from "node:path";
import type { Stats } from "node:fs";
import { IgnoreMatcher } from "../parser/dockerignore.js";
import { BuildCodes, BuildError } from "./errors.js";

/** Reads the ignore file for a build: `<dockerfile>.dockerignore` first, else `<context>/.dockerignore`. */
export async function loadIgnore(contextDir: string, dockerfilePath?: string): Promise<IgnoreMatcher> {
  const candidates = [...(dockerfilePath ? [join(dirname(dockerfilePath), `${basename(dockerfilePath)}.dockerignore`)] : []), join(contextDir, ".dockerignore")];
  for (const file of candidates) {
    try {
      return IgnoreMatcher.fromFile(await readFile(file, "utf8"));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  return new IgnoreMatcher([]);
}

/** One file a COPY selected. */
export interface ContextFile {
  /** Path in the context, slash-separated, no leading `/`. */
  readonly contextPath: string;
  /** Where it goes, relative to the destination (slash-separated). */
  readonly destPath: string;
  /** Which source pattern selected it (index into `sources`). */
  readonly source: number;
  readonly type: "file" | "dir" | "symlink";
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly linkTarget?: string;
  /** Absolute host path to read from. */
  readonly hostPath: string;
  /** What the stat cache compares (never part of a cache key). */
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
}

export interface SelectOptions {
  readonly ignore?: IgnoreMatcher;
  readonly exclude?: readonly string[];
  readonly parents?: boolean;
}

/** Go's filepath.Match as a RegExp for a whole slash path. Throws on a malformed pattern. */
export function matchPattern(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "\\") {
      i++;
      if (i >= pattern.length) throw new Error(`syntax error in pattern ${pattern}`);
      re += escapeRe(pattern[i]!);
    } else if (c === "[") {
      let j = i + 1;
      let cls = "[";
      if (pattern[j] === "^") {
        cls += "^/";
        j++;
      }
      let closed = false;
      for (; j < pattern.length; j++) {
        const d = pattern[j]!;
        if (d === "]" && j > i + 1 && !(j === i + 2 && pattern[i + 1] === "^")) {
          closed = true;
          break;
        }
        if (d === "\\") {
          j++;
          cls += escapeRe(pattern[j] ?? "\\");
        } else cls += d === "-" ? "-" : escapeRe(d);
      }
      if (!closed) throw new Error(`syntax error in pattern ${pattern}`);
      re += cls + "]";
      i = j;
    } else re += escapeRe(c);
  }
  return new RegExp(re + "$", "s");
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(c) ? "\\" + c : c;
}

export function hasWildcards(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === "\\") i++;
    else if (p[i] === "*" || p[i] === "?" || p[i] === "[") return true;
  }
  return false;
}

function notFound(path: string): BuildError {
  return new BuildError(BuildCodes.source, `failed to compute cache key: "/${path}": not found`);
}

/** Cleans a source path relative to the context; refuses one that leaves it. */
export function contextRelative(src: string): string {
  const clean = posix.normalize(src.replace(/^\/+/, "")).replace(/\/+$/, "");
  if (clean === ".." || clean.startsWith("../")) {
    throw new BuildError(BuildCodes.source, `forbidden path outside the build context: ${src}`);
  }
  return clean === "" || clean === "." ? "" : clean;
}

/**
 * Resolves `rel` in the context following symlinks, each resolved inside the context root
 * (absolute targets are relative to the root, `..` stops at the root). Null when missing.
 */
function resolveInContext(root: string, rel: string, depth = 0): string | null {
  if (depth > 40) throw new BuildError(BuildCodes.source, `too many levels of symbolic links: ${rel}`);
  const parts = rel === "" ? [] : rel.split("/");
  const done: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part === "." || part === "") continue;
    if (part === "..") {
      done.pop();
      continue;
    }
    const here = join(root, ...done, part);
    let st: Stats;
    try {
      st = lstatSync(here);
    } catch {
      return null;
    }
    if (st.isSymbolicLink()) {
      const target = readlinkSync(here);
      const next = target.startsWith("/") ? target.slice(1) : [...done, target].join("/");
      const rest = parts.slice(i + 1).join("/");
      return resolveInContext(root, posix.normalize(rest ? `${next}/${rest}` : next).replace(/^(\.\.\/)+|^\.\.$/, ""), depth + 1);
    }
    done.push(part);
  }
  return done.join("/");
}

interface Walker {
  root: string;
  ignore: IgnoreMatcher;
  exclude: IgnoreMatcher;
  out: ContextFile[];
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function entry(w: Walker, contextPath: string, destPath: string, source: number, st: Stats, linkTarget?: string): void {
  if (destPath !== "" && w.exclude.ignores(destPath)) return;
  const type = st.isSymbolicLink() ? "symlink" : st.isDirectory() ? "dir" : "file";
  w.out.push({
    contextPath, destPath, source, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === "file" ? st.size : 0,
    ...(linkTarget !== undefined ? { linkTarget } : {}), hostPath: join(w.root, contextPath),
    mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino,
  });
}

function walkDir(w: Walker, contextDir: string, destDir: string, source: number): void {
  const names = readdirSync(join(w.root, contextDir)).sort();
  for (const name of names) {
    const cp = contextDir === "" ? name : `${contextDir}/${name}`;
    const dp = destDir === "" ? name : `${destDir}/${name}`;
    const st = lstatSync(join(w.root, cp));
    if (w.ignore.ignores(cp)) {
      if (st.isDirectory() && w.ignore.hasExclusions) walkDir(w, cp, dp, source);
      continue;
    }
    if (st.isSymbolicLink()) entry(w, cp, dp, source, st, readlinkSync(join(w.root, cp)));
    else {
      entry(w, cp, dp, source, st);
      if (st.isDirectory()) walkDir(w, cp, dp, source);
    }
  }
}

/** Adds a matched (resolved) path: a directory's contents, or the file itself. */
function addMatch(w: Walker, resolved: string, destBase: string, source: number): void {
  const st = statSync(join(w.root, resolved));
  if (st.isDirectory()) walkDir(w, resolved, destBase, source);
  else entry(w, resolved, destBase, source, st);
}

/** Paths in the context matching a wildcard pattern, walking only from its fixed prefix. */
function globContext(w: Walker, pattern: string): string[] {
  const parts = pattern.split("/");
  const fixed: string[] = [];
  while (fixed.length < parts.length && !hasWildcards(parts[fixed.length]!)) fixed.push(parts[fixed.length]!.replace(/\\(.)/g, "$1"));
  let re: RegExp;
  try {
    re = matchPattern(pattern);
  } catch (e) {
    throw new BuildError(BuildCodes.source, `${(e as Error).message}`);
  }
  const start = resolveInContext(w.root, fixed.join("/"));
  if (start === null) return [];
  const out: string[] = [];
  const visit = (dir: string, shown: string, level: number): void => {
    let names: string[];
    try {
      names = readdirSync(join(w.root, dir)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const cp = dir === "" ? name : `${dir}/${name}`;
      const sp = shown === "" ? name : `${shown}/${name}`;
      if (level + 1 === parts.length) {
        if (re.test(sp) && !w.ignore.ignores(cp)) out.push(cp);
      } else if (lstatOrNull(join(w.root, cp))?.isDirectory()) {
        visit(cp, sp, level + 1);
      }
    }
  };
  visit(start, fixed.join("/"), fixed.length);
  return out;
}

/**
 * The files a COPY/ADD takes from the context for `sources` (expanded, as written in the
 * instruction). Throws BuildError (`build-source`) for a missing plain path or one outside
 * the context.
 */
export async function selectContextFiles(contextDir: string, sources: readonly string[], options: SelectOptions = {}): Promise<ContextFile[]> {
  const w: Walker = { root: contextDir, ignore: options.ignore ?? new IgnoreMatcher([]), exclude: new IgnoreMatcher([...(options.exclude ?? [])]), out: [] };
  for (let i = 0; i < sources.length; i++) {
    let src = sources[i]!;
    let pivot = "";
    if (options.parents) {
      const at = src.indexOf("/./");
      if (at >= 0) {
        pivot = contextRelative(src.slice(0, at));
        src = src.slice(0, at) + "/" + src.slice(at + 3);
      }
    }
    const rel = contextRelative(src);
    const destFor = (path: string, isDirContents: boolean): string => {
      if (!options.parents) return isDirContents ? "" : posix.basename(path);
      return pivot === "" ? path : posix.relative(pivot, path);
    };
    if (hasWildcards(rel)) {
      for (const match of globContext(w, rel)) {
        const resolved = resolveInContext(w.root, match);
        if (resolved === null) continue;
        const isDir = statSync(join(w.root, resolved)).isDirectory();
        addMatch(w, resolved, destFor(match, isDir), i);
      }
      continue;
    }
    if (rel !== "" && w.ignore.ignores(rel) && !w.ignore.hasExclusions) throw notFound(rel);
    const resolved = resolveInContext(w.root, rel);
    if (resolved === null) throw notFound(rel);
    const isDir = statSync(join(w.root, resolved)).isDirectory();
    if (!isDir && rel !== "" && w.ignore.ignores(rel)) throw notFound(rel);
    addMatch(w, resolved, destFor(rel, isDir), i);
  }
  return w.out;
}
