/**
 * Mapping script offsets back to the Dockerfile. A script is the Dockerfile text with
 * continuation markers, dropped comment/empty lines and `<<-` tabs taken out, so the mapping is
 * linear between those places: it is kept as segments (script offset → Dockerfile offset, linear
 * until the next segment), built in one pass over the lines and only when a rule reports a
 * range. A per-character table cost a typed array per RUN.
 */
import type { Heredoc } from "../../parser/index.js";
import { continuationAt } from "../../parser/lines.js";

/** Script offset → Dockerfile offset, linear between segment starts. */
export class Segments {
  /** Script offsets where a segment starts (ascending; a later equal start wins). */
  private readonly starts: number[] = [];
  private readonly docs: number[] = [];

  constructor(
    /** The script's length: offsets are clamped to 0..length. */
    readonly length: number,
  ) {}

  /** Starts a segment: script offset `at` is Dockerfile offset `doc`. */
  add(at: number, doc: number): void {
    this.starts.push(at);
    this.docs.push(doc);
  }

  at(k: number): number {
    const starts = this.starts;
    const s = k < 0 ? 0 : k > this.length ? this.length : k;
    // The last segment starting at or before s (binary search; scripts have few segments).
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= s) lo = mid;
      else hi = mid - 1;
    }
    return this.docs[lo]! + (s - starts[lo]!);
  }

  /** The Dockerfile offset of every script offset 0..length (tests, `ShellSource.offsets`). */
  table(): Int32Array {
    const out = new Int32Array(this.length + 1);
    for (let k = 0; k <= this.length; k++) out[k] = this.at(k);
    return out;
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 10 || c === 0x85 || c === 0xa0;
}

function lineEnd(text: string, from: number, lfOnly = false): number {
  // A text without CR: the native search (memchr) instead of a loop over the characters.
  if (lfOnly) {
    const nl = text.indexOf("\n", from);
    return nl < 0 ? text.length : nl;
  }
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i++;
  }
  return i;
}

export function nextLineStart(text: string, end: number): number {
  if (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10) return end + 2;
  return Math.min(end + 1, text.length);
}

function lineStart(text: string, at: number): number {
  let i = at;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 10 || c === 13) break;
    i--;
  }
  return i;
}

/**
 * Adds to `out`, from script offset `base`, the segments of a logical (continuations joined)
 * text of `length` characters that starts at `start` in `source`: re-walks the continuation
 * markers, comment lines and empty lines the parser dropped. Offset `length` is just past the
 * last character.
 */
export function addLogicalSegments(
  out: Segments,
  base: number,
  source: string,
  start: number,
  length: number,
  escapeChar: "\\" | "`" = "\\",
  /** `source` has no CR (LineIndex.hasCR of it, when the caller has one: no scan of the file per script). */
  lfOnly = source.indexOf("\r") < 0,
): void {
  const escape = escapeChar.charCodeAt(0);
  let o = start;
  let end = lineEnd(source, o, lfOnly);
  let cont = continuationAt(source, lineStart(source, o), end, escape);
  out.add(base, o);
  let s = 0;
  while (s < length) {
    if ((cont >= 0 && o >= cont) || (cont < 0 && o >= end)) {
      // Past the last line (or a line without continuation): linear from here on.
      if (cont < 0 || end >= source.length) return;
      // Next physical line that is neither a comment nor empty.
      let ls = nextLineStart(source, end);
      for (;;) {
        const le = lineEnd(source, ls, lfOnly);
        let f = ls;
        while (f < le && isBlank(source.charCodeAt(f))) f++;
        if ((f < le && source.charCodeAt(f) === 35) || f === le) {
          if (le >= source.length) {
            ls = le;
            break;
          }
          ls = nextLineStart(source, le);
          continue;
        }
        break;
      }
      o = ls;
      end = lineEnd(source, ls, lfOnly);
      cont = continuationAt(source, ls, end, escape);
      out.add(base + s, o);
      continue;
    }
    const limit = cont >= 0 ? cont : end;
    s += limit - o;
    o = limit;
  }
}

/**
 * Adds to `out`, from script offset `base`, the segments of a heredoc body (`content`), walking
 * the body lines from `heredoc.range.start` (CRLF line ends and `<<-` stripped tabs included).
 * Returns the Dockerfile offset just past the body (where its delimiter line starts).
 */
export function addHeredocSegments(out: Segments, base: number, source: string, heredoc: Heredoc, lfOnly = false): number {
  const content = heredoc.content;
  let o = heredoc.range.start.offset;
  let s = 0;
  while (s < content.length) {
    if (heredoc.chomp) while (source.charCodeAt(o) === 9) o++;
    out.add(base + s, o);
    const eol = content.indexOf("\n", s);
    const stop = eol < 0 ? content.length : eol;
    o += stop - s;
    s = stop;
    if (eol < 0) break;
    s++; // the "\n", at the line end
    o = nextLineStart(source, lineEnd(source, o, lfOnly));
  }
  const after = Math.min(o, source.length);
  out.add(base + content.length, after);
  return after;
}

/** The Dockerfile offset of every character of a logical text (see addLogicalSegments). */
export function logicalOffsets(source: string, start: number, length: number, escapeChar: "\\" | "`" = "\\"): Int32Array {
  const out = new Segments(length);
  addLogicalSegments(out, 0, source, start, length, escapeChar);
  return out.table();
}

/** The Dockerfile offset of every character of a heredoc body (see addHeredocSegments). */
export function heredocOffsets(source: string, heredoc: Heredoc): Int32Array {
  const out = new Segments(heredoc.content.length);
  addHeredocSegments(out, 0, source, heredoc);
  return out.table();
}
