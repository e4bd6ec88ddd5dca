/**
 * Shell patterns for `${v#p}`, `${v##p}`, `${v%p}`, `${v%%p}`, `${v/p/r}` and `${v//p/r}`,
 * with BuildKit's semantics (it translates the pattern to a Go regular expression):
 *
 * - `*` matches any run of characters and `?` any one character, except a newline (Go's `.`).
 * - Every other character is literal, `[`, `]` included: bracket expressions are NOT
 *   supported by Docker, `${v#[ab]}` removes a literal "[ab]" prefix.
 * - `\*`, `\?` and `\\` are a literal `*`, `?`, `\`; `\}` and `\/` are a literal `}` and `/`
 *   (the escape was only there to get past the `${...}` syntax). Any other `\x`, and a
 *   trailing `\`, is an "invalid escape" error. The pattern escape is always the backslash,
 *   whatever the Dockerfile's escape character.
 * - `#`/`%` remove the shortest matching prefix/suffix, `##`/`%%` the longest; `/` replaces
 *   the leftmost-longest match, `//` every non-overlapping match left to right.
 *
 * Matching is a small NFA simulation over code points: no regular expression is built.
 */

import { isNameCode } from "./chars.js";

/** Token values: a code point (>= 0) is a literal; these two are the wildcards. */
const STAR = -1;
const ANY = -2;
const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;

export type PatternTokens = readonly number[];

/**
 * A pattern that cannot be compiled. `pattern` is the text that failed (for a suffix trim, the
 * reversed pattern, as BuildKit reports it); `message` reads like Go's (`invalid escape '\x'`).
 */
export class PatternError {
  constructor(
    readonly pattern: string,
    readonly message: string,
  ) {}
}

/** Tokenizes a pattern. Throws PatternError for an invalid escape. */
export function compilePattern(pattern: string): PatternTokens {
  const tokens: number[] = [];
  const len = pattern.length;
  let i = 0;
  while (i < len) {
    const c = pattern.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
    if (c === 0x2a) {
      tokens.push(STAR);
    } else if (c === 0x3f) {
      tokens.push(ANY);
    } else if (c === BACKSLASH) {
      const next = i < len ? pattern.codePointAt(i)! : -1;
      // `\}` and `\/`: the backslash only got the character past the ${...} syntax.
      if (next === 0x7d || next === 0x2f) continue;
      if (next !== 0x2a && next !== 0x3f && next !== BACKSLASH) {
        const shown = next < 0 ? "" : String.fromCodePoint(next);
        throw new PatternError(pattern, `invalid escape '\\${shown}'`);
      }
      i += 1;
      tokens.push(next);
    } else {
      tokens.push(c);
    }
  }
  return tokens;
}

/**
 * Go's `reversePattern`: reverses a pattern by code points, keeping each `\x` pair in order
 * (a lone trailing backslash is moved like any other character). Suffix matching runs the
 * reversed pattern over the reversed value, so its errors name the reversed pattern, as
 * BuildKit's do.
 */
export function reversePattern(pattern: string): string {
  const cps = Array.from(pattern);
  const last = cps.length - 1;
  const out = new Array<string>(cps.length);
  let i = 0;
  while (i <= last) {
    const ch = cps[i]!;
    if (ch === "\\" && i !== last) {
      out[last - i - 1] = ch;
      out[last - i] = cps[i + 1]!;
      i += 2;
    } else {
      out[last - i] = ch;
      i += 1;
    }
  }
  return out.join("");
}

/** A value split into code points, with the UTF-16 offset of every code point boundary. */
interface CodePoints {
  readonly cps: number[];
  /** offsets[k] is where code point k starts; offsets[cps.length] is the string's length. */
  readonly offsets: number[];
}

function codePoints(value: string): CodePoints {
  const cps: number[] = [];
  const offsets: number[] = [];
  let i = 0;
  while (i < value.length) {
    const c = value.codePointAt(i)!;
    cps.push(c);
    offsets.push(i);
    i += c > 0xffff ? 2 : 1;
  }
  offsets.push(value.length);
  return { cps, offsets };
}

/** Follows `*` tokens' empty matches: a state on a star also enables the state after it. */
function closure(states: Uint8Array, tokens: PatternTokens): void {
  for (let i = 0; i < tokens.length; i++) {
    if (states[i] && tokens[i] === STAR) states[i + 1] = 1;
  }
}

/**
 * Matches `tokens` against `cps` starting exactly at `start`. Returns the end of the shortest
 * (or, with `longest`, the longest) match, or -1 when nothing matches there.
 */
function matchAt(tokens: PatternTokens, cps: readonly number[], start: number, longest: boolean): number {
  const m = tokens.length;
  let cur = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  cur[0] = 1;
  closure(cur, tokens);
  let best = -1;
  if (cur[m]) {
    if (!longest) return start;
    best = start;
  }
  for (let p = start; p < cps.length; p++) {
    const c = cps[p]!;
    next.fill(0);
    let alive = false;
    for (let i = 0; i < m; i++) {
      if (!cur[i]) continue;
      const t = tokens[i]!;
      if (t === STAR) {
        if (c !== NEWLINE) {
          next[i] = 1;
          alive = true;
        }
      } else if (t === ANY ? c !== NEWLINE : t === c) {
        next[i + 1] = 1;
        alive = true;
      }
    }
    if (!alive) break;
    closure(next, tokens);
    const swap = cur;
    cur = next;
    next = swap;
    if (cur[m]) {
      if (!longest) return p + 1;
      best = p + 1;
    }
  }
  return best;
}

/** Leftmost match at or after `from`, longest at that start: [start, end] or null. */
function findLeftmost(tokens: PatternTokens, cps: readonly number[], from: number): [number, number] | null {
  const first = tokens.length > 0 ? tokens[0]! : STAR;
  for (let s = from; s <= cps.length; s++) {
    // A literal first token can only match where that character is.
    if (first >= 0 && cps[s] !== first) continue;
    const end = matchAt(tokens, cps, s, true);
    if (end >= 0) return [s, end];
  }
  return null;
}

/** `${v#p}` (shortest) and `${v##p}` (longest): removes the matching prefix. */
export function trimPrefix(value: string, pattern: string, longest: boolean): string {
  const tokens = compilePattern(pattern);
  if (value === "") return value;
  const { cps, offsets } = codePoints(value);
  const end = matchAt(tokens, cps, 0, longest);
  return end <= 0 ? value : value.slice(offsets[end]);
}

/** `${v%p}` (shortest) and `${v%%p}` (longest): removes the matching suffix. */
export function trimSuffix(value: string, pattern: string, longest: boolean): string {
  const tokens = compilePattern(reversePattern(pattern));
  if (value === "") return value;
  const { cps, offsets } = codePoints(value);
  const reversed = cps.slice().reverse();
  const end = matchAt(tokens, reversed, 0, longest);
  return end <= 0 ? value : value.slice(0, offsets[cps.length - end]);
}

/** `${v/p/r}`: replaces the leftmost-longest match; the replacement is taken literally. */
export function replaceFirst(value: string, tokens: PatternTokens, replacement: string): string {
  const { cps, offsets } = codePoints(value);
  const match = findLeftmost(tokens, cps, 0);
  if (match === null) return value;
  return value.slice(0, offsets[match[0]]) + replacement + value.slice(offsets[match[1]]);
}

/**
 * `${v//p/r}`: Go's `Regexp.ReplaceAllString` over the translated pattern. Matches are
 * non-overlapping, left to right; an empty match right after a previous match is skipped; and
 * the replacement is a Go template (see expandTemplate), because BuildKit calls the
 * template-expanding variant.
 */
export function replaceAll(value: string, tokens: PatternTokens, replacement: string): string {
  const { cps, offsets } = codePoints(value);
  const n = cps.length;
  const hasDollar = replacement.includes("$");
  let out = "";
  let lastEnd = 0;
  let search = 0;
  while (search <= n) {
    const match = findLeftmost(tokens, cps, search);
    if (match === null) break;
    const [start, end] = match;
    out += value.slice(offsets[lastEnd], offsets[start]);
    if (end > lastEnd || start === 0) {
      out += hasDollar
        ? expandTemplate(replacement, value.slice(offsets[start], offsets[end]))
        : replacement;
    }
    lastEnd = end;
    search = search + 1 > end ? search + 1 : end;
  }
  return out + value.slice(offsets[lastEnd]);
}

/**
 * Go's regexp template expansion, for a pattern without capture groups: `$$` is a `$`; `$0`
 * and `${0}` are the whole match; any other `$name`/`${name}` (letters, digits, `_`) is
 * empty; a `$` that starts no valid reference stays literal.
 */
export function expandTemplate(template: string, match: string): string {
  let out = "";
  let i = 0;
  const len = template.length;
  while (i < len) {
    const dollar = template.indexOf("$", i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (i < len && template.charCodeAt(i) === 0x24) {
      out += "$";
      i += 1;
      continue;
    }
    const ref = templateReference(template, i);
    if (ref === null) {
      out += "$";
      continue;
    }
    if (ref.name === "0") out += match;
    i = ref.end;
  }
  return out + template.slice(i);
}

/** Parses `name` or `{name}` at `i` (Go's `extract`); null when malformed. */
function templateReference(template: string, i: number): { name: string; end: number } | null {
  const len = template.length;
  const brace = i < len && template.charCodeAt(i) === 0x7b;
  const start = brace ? i + 1 : i;
  let j = start;
  while (j < len) {
    const c = template.codePointAt(j)!;
    if (!isNameCode(c)) break;
    j += c > 0xffff ? 2 : 1;
  }
  if (j === start) return null;
  const name = template.slice(start, j);
  if (brace) {
    if (j >= len || template.charCodeAt(j) !== 0x7d) return null;
    j += 1;
  }
  return { name, end: j };
}
