/**
 * `.dockerignore` patterns with Docker's semantics (moby/patternmatcher): one pattern a line,
 * `#` comments, surrounding blanks trimmed, `!` re-includes, each pattern cleaned like a path
 * with any leading `/` dropped; `*` matches within one path element, `?` one character, `**` any
 * number of elements, `[...]` a class, `\` escapes. A path is excluded when the last pattern that
 * matches it, or one of its parent directories, is not a `!` pattern.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, posix } from "node:path";

export interface IgnorePattern {
  readonly text: string;
  readonly exclusion: boolean;
  readonly regex: RegExp;
}

export class DockerIgnore {
  constructor(readonly patterns: readonly IgnorePattern[]) {}

  static parse(text: string): DockerIgnore {
    const patterns: IgnorePattern[] = [];
    for (const raw of text.split(/\r?\n|\r/)) {
      let line = raw.trim();
      if (line === "" || line.startsWith("#")) continue;
      let exclusion = false;
      if (line.startsWith("!")) {
        exclusion = true;
        line = line.slice(1).trim();
      }
      let p = posix.normalize(line);
      while (p.startsWith("/")) p = p.slice(1);
      if (p === "" || p === ".") continue;
      if (p.endsWith("/")) p = p.slice(0, -1);
      patterns.push({ text: p, exclusion, regex: compile(p) });
    }
    return new DockerIgnore(patterns);
  }

  /** Some pattern starts with `!` (BuildKit's CopyIgnoredFile gives up then). */
  get hasExclusions(): boolean {
    return this.patterns.some((p) => p.exclusion);
  }

  /** Docker's MatchesOrParentMatches: the path or a parent directory is ignored. */
  matchesOrParentMatches(path: string): boolean {
    const clean = cleanPath(path);
    const parents: string[] = [];
    const parts = clean.split("/");
    for (let i = 1; i < parts.length; i++) parents.push(parts.slice(0, i).join("/"));
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      if (p.regex.test(clean) || parents.some((parent) => p.regex.test(parent))) matched = !p.exclusion;
    }
    return matched;
  }
}

export function cleanPath(path: string): string {
  let p = posix.normalize(path.replace(/\\/g, "/"));
  while (p.startsWith("/")) p = p.slice(1);
  while (p.startsWith("./")) p = p.slice(2);
  if (p.endsWith("/") && p.length > 1) p = p.slice(0, -1);
  return p === "" ? "." : p;
}

function compile(pattern: string): RegExp {
  let re = "^";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        // `**/` matches zero or more directories; a trailing `**` anything.
        if (pattern[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else re += ".*";
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith("^") || cls.startsWith("!")) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (c === "\\" && i + 1 < pattern.length) {
      re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`${re}$`);
}

/**
 * The ignore file BuildKit would use for a Dockerfile whose context is its directory:
 * `<name>.dockerignore` beside it, else `.dockerignore`. Null when there is none.
 */
export function readDockerignoreFor(dockerfilePath: string): string | null {
  const dir = dirname(dockerfilePath);
  for (const candidate of [join(dir, `${basename(dockerfilePath)}.dockerignore`), join(dir, ".dockerignore")]) {
    if (existsSync(candidate)) {
      try {
        return readFileSync(candidate, "utf8");
      } catch {
        return null;
      }
    }
  }
  return null;
}
