/**
 * `.dockerignore` files and Docker's pattern semantics (moby/patternmatcher): comments, `!`
 * exceptions, cleaned and de-rooted patterns, `*` and `?` within one path component, `**` across
 * components, `\` escapes, `[...]` classes; the last matching pattern wins, and a pattern that
 * matches a parent directory matches everything below it. Shared by the builder (what the
 * context sends) and the linter (CopyIgnoredFile).
 */
import { KilnError } from "../util/errors.js";

/**
 * A path with an empty, `.` or `..` component (a leading or trailing slash makes an empty one):
 * one that Clean changes. A loop over char codes (this was a regex run per path and parent).
 */
function unclean(p: string): boolean {
  let start = 0;
  for (let i = 0; i <= p.length; i++) {
    if (i < p.length && p.charCodeAt(i) !== 47 /* / */) continue;
    const len = i - start;
    if (len === 0 || (len <= 2 && p.charCodeAt(start) === 46 /* . */ && (len === 1 || p.charCodeAt(start + 1) === 46))) return true;
    start = i + 1;
  }
  return false;
}

/** Go's path.Clean for slash paths. */
export function cleanPath(p: string): string {
  if (p === "") return ".";
  // Most paths are clean already: no split and join for them.
  if (!unclean(p)) return p;
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  return rooted ? "/" + joined : joined === "" ? "." : joined;
}

/** Reads a .dockerignore text into patterns as Docker does (ignorefile.ReadAll). */
export function readIgnoreFile(text: string): string[] {
  const patterns: string[] = [];
  const lines = text.replace(/^\ufeff/, "").split(/\r\n|\n|\r/);
  for (const line of lines) {
    if (line.startsWith("#")) continue;
    let pattern = line.trim();
    if (pattern === "") continue;
    let invert = false;
    if (pattern.startsWith("!")) {
      pattern = pattern.slice(1).trim();
      invert = true;
    }
    if (pattern.length > 0) {
      pattern = cleanPath(pattern);
      if (pattern.length > 1 && pattern.startsWith("/")) pattern = pattern.slice(1);
    }
    patterns.push(invert ? "!" + pattern : pattern);
  }
  return patterns;
}

type Test = (path: string) => boolean;

interface Pattern {
  readonly text: string;
  readonly exclusion: boolean;
  readonly test: Test;
}

const REGEX_SPECIAL = new Set([".", "+", "(", ")", "|", "{", "}", "$", "^"]);

/** `*` then characters that stand for themselves (no `/`): `*.env`, `*.log`. */
const STAR_SUFFIX = /^\*[^*?[\]\\/]+$/;

function compile(pattern: string): Test {
  if (STAR_SUFFIX.test(pattern)) {
    // The regex would be `^[^/]*<suffix>$`: a path without `/` that ends with the suffix (which
    // has no `/` itself). Compared directly: no regex run per path and parent.
    const suffix = pattern.slice(1);
    return (p) => p.endsWith(suffix) && !p.includes("/");
  }
  let re = "^";
  let kind: "exact" | "prefix" | "suffix" | "regexp" = "exact";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      const atStart = i === 0;
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") i++;
        if (i + 1 >= pattern.length) {
          if (kind === "exact") kind = "prefix";
          else {
            re += ".*";
            kind = "regexp";
          }
        } else {
          re += "(.*/)?";
          kind = "regexp";
        }
        if (atStart) kind = "suffix";
      } else {
        re += "[^/]*";
        kind = "regexp";
      }
    } else if (c === "?") {
      re += "[^/]";
      kind = "regexp";
    } else if (c === "\\") {
      if (i + 1 < pattern.length) {
        const next = pattern[++i]!;
        re += /[\\^$.*+?()[\]{}|/-]/.test(next) ? "\\" + next : next;
        kind = "regexp";
      } else re += "\\\\";
    } else if (c === "[" || c === "]") {
      re += c;
      kind = "regexp";
    } else if (REGEX_SPECIAL.has(c)) {
      re += "\\" + c;
    } else {
      re += c;
    }
  }
  switch (kind) {
    case "exact":
      return (p) => p === pattern;
    case "prefix": {
      const prefix = pattern.slice(0, -2);
      return (p) => p.startsWith(prefix);
    }
    case "suffix": {
      const suffix = pattern.slice(2);
      return (p) => p.endsWith(suffix) || (suffix.startsWith("/") && p === suffix.slice(1));
    }
    case "regexp": {
      let compiled: RegExp;
      try {
        compiled = new RegExp(re + "$", "s");
      } catch {
        throw new KilnError("invalid-ignore-pattern", `invalid .dockerignore pattern "${pattern}"`);
      }
      return (p) => compiled.test(p);
    }
  }
}

/** Matches slash-separated context paths against .dockerignore patterns. */
export class IgnoreMatcher {
  private readonly patterns: Pattern[];
  /** True when some pattern starts with `!` (a walk may not skip excluded directories then). */
  readonly hasExclusions: boolean;

  constructor(patterns: readonly string[]) {
    this.patterns = [];
    for (const raw of patterns) {
      let p = raw.trim();
      if (p === "") continue;
      p = cleanPath(p);
      let exclusion = false;
      if (p.startsWith("!")) {
        if (p.length === 1) throw new KilnError("invalid-ignore-pattern", 'illegal exclusion pattern: "!"');
        exclusion = true;
        p = p.slice(1);
      }
      this.patterns.push({ text: p, exclusion, test: compile(p) });
    }
    this.hasExclusions = this.patterns.some((p) => p.exclusion);
  }

  static fromFile(text: string): IgnoreMatcher {
    return new IgnoreMatcher(readIgnoreFile(text));
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  /** Whether `path` (relative, slash-separated) is ignored: it or a parent matches, last pattern wins. */
  ignores(path: string): boolean {
    if (this.patterns.length === 0) return false; // the common case, asked once per context file
    const file = cleanPath(path);
    if (file === ".") return false;
    const slash = file.lastIndexOf("/");
    let matched = false;
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue;
      let match = pattern.test(file);
      if (!match && slash > 0) {
        for (let at = file.indexOf("/"); at > 0 && at <= slash; at = file.indexOf("/", at + 1)) {
          if (pattern.test(file.slice(0, at))) {
            match = true;
            break;
          }
        }
      }
      if (match) matched = !pattern.exclusion;
    }
    return matched;
  }
}
