/**
 * The line pass: turns Dockerfile text into logical instruction lines, the way BuildKit's
 * scanner does, while remembering where every character came from so later stages can give
 * exact ranges. Handles the BOM, LF/CRLF/lone-CR line ends, parser directives, comments,
 * the escape character, line continuations (with comment and empty lines inside them) and
 * heredoc bodies. It never throws: problems become diagnostics.
 */
import type { Comment, Directive } from "./ast.js";
import { ParseCodes, type Diagnostic } from "./diagnostics.js";
import { findHeredocMarkers, type HeredocMarker } from "./heredoc.js";
import type { LineIndex } from "./range.js";

/** A run of logical text copied from the original text at `origin`. */
export interface Segment {
  /** Offset in the logical text. */
  readonly at: number;
  /** Offset in the original text. */
  readonly origin: number;
  readonly length: number;
}

export interface HeredocBody {
  readonly marker: HeredocMarker;
  readonly content: string;
  /** Original offsets of the body (first body line to end of the terminator line). */
  readonly start: number;
  readonly end: number;
}

/** One instruction after continuations are joined. */
export interface LogicalLine {
  readonly text: string;
  readonly segments: readonly Segment[];
  /** Original offsets: first character of the keyword, end of the last line (or heredoc). */
  readonly start: number;
  readonly end: number;
  readonly heredocs: readonly HeredocBody[];
}

export interface LinePassResult {
  readonly lines: readonly LogicalLine[];
  readonly directives: readonly Directive[];
  readonly comments: readonly Comment[];
  readonly escapeChar: "\\" | "`";
}

const DIRECTIVE = /^#[ \t\v\f]*([a-zA-Z][a-zA-Z0-9]*)[ \t\v\f]*=[ \t\v\f]*(.+?)[ \t\v\f]*$/;
const KNOWN_DIRECTIVES = new Set(["syntax", "escape", "check"]);

/**
 * The physical lines from `from`: start and end (just past the content, before the line end) of
 * line k at 2k and 2k+1. Numbers in one array, not an object per line.
 */
function splitPhysicalLines(text: string, from: number, index: LineIndex): number[] {
  const lines: number[] = [];
  let start = from;
  const n = text.length;
  if (!index.hasCR) {
    // Only LF line ends (most files): the index has found the line starts already.
    const starts = index.lineStarts;
    for (let k = 0; k < starts.length; k++) {
      const s = k === 0 ? from : starts[k]!;
      if (k + 1 < starts.length) lines.push(s, starts[k + 1]! - 1);
      else if (s < n) lines.push(s, n);
    }
    return lines;
  }
  for (let i = from; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lines.push(start, i);
      start = i + 1;
    } else if (c === 13) {
      lines.push(start, i);
      if (text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
  }
  if (start < n) lines.push(start, n);
  return lines;
}

function isBlank(c: number): boolean {
  // unicode.IsSpace for the characters that matter in Dockerfiles.
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 10 || c === 0x85 || c === 0xa0;
}

function firstNonBlank(text: string, start: number, end: number): number {
  let i = start;
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Where the continuation marker starts, or -1: the escape character as the last non-blank
 * (space/tab) character, not itself escaped (BuildKit: `([^\\])\\[ \t]*$|^\\[ \t]*$`).
 */
export function continuationAt(text: string, start: number, end: number, escape: number): number {
  let i = end - 1;
  while (i >= start && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  if (i < start || text.charCodeAt(i) !== escape) return -1;
  if (i > start && text.charCodeAt(i - 1) === escape) return -1;
  return i;
}

export function linePass(text: string, index: LineIndex, diagnostics: Diagnostic[]): LinePassResult {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const physical = splitPhysicalLines(text, bom, index);
  const count = physical.length >> 1;
  const directives: Directive[] = [];
  const comments: Comment[] = [];
  const lines: LogicalLine[] = [];
  let escapeChar: "\\" | "`" = "\\";
  let escape = 92;
  let lookingForDirectives = true;
  const seen = new Set<string>();

  const addComment = (lineEnd: number, hash: number): void => {
    const body = firstNonBlank(text, hash + 1, lineEnd);
    comments.push({ text: text.slice(body, lineEnd).trimEnd(), range: index.range(hash, lineEnd) });
  };

  for (let li = 0; li < count; li++) {
    const lineStart = physical[2 * li]!;
    const lineEnd = physical[2 * li + 1]!;
    const first = firstNonBlank(text, lineStart, lineEnd);
    const isComment = first < lineEnd && text.charCodeAt(first) === 35; // '#'

    if (lookingForDirectives) {
      const m = isComment ? DIRECTIVE.exec(text.slice(first, lineEnd)) : null;
      const name = m?.[1]?.toLowerCase();
      if (m && name && KNOWN_DIRECTIVES.has(name)) {
        const range = index.range(first, lineEnd);
        const value = m[2]!;
        if (seen.has(name)) {
          diagnostics.push({
            code: ParseCodes.duplicateDirective,
            severity: "error",
            message: `only one ${name} parser directive can be used`,
            range,
          });
        } else {
          seen.add(name);
          if (name === "escape") {
            if (value === "\\" || value === "`") {
              escapeChar = value;
              escape = value.charCodeAt(0);
            } else {
              diagnostics.push({
                code: ParseCodes.invalidDirective,
                severity: "error",
                message: `invalid escape token '${value}' does not match \` or \\`,
                range,
              });
            }
          }
          directives.push({ name: name as Directive["name"], value, range });
        }
        continue;
      }
      lookingForDirectives = false;
    }

    if (isComment) {
      addComment(lineEnd, first);
      continue;
    }
    if (first === lineEnd) continue; // empty line

    // An instruction. Most are one physical line: one slice and one segment, no joining.
    let cont = continuationAt(text, first, lineEnd, escape);
    let lastEnd = lineEnd;
    let logical: string;
    let segments: Segment[];
    if (cont < 0) {
      logical = text.slice(first, lineEnd);
      segments = [{ at: 0, origin: first, length: lineEnd - first }];
    } else {
      // Join the continuation lines: pieces of the text, glued once, and a segment per piece
      // (pieces that continue the previous one in the text extend its segment).
      segments = [];
      const pieces: string[] = [];
      let length = appendPiece(text, segments, pieces, 0, first, cont);
      let emptyContinuation: number[] | undefined;
      while (cont >= 0 && li + 1 < count) {
        li++;
        const nextStart = physical[2 * li]!;
        const nextEnd = physical[2 * li + 1]!;
        const nFirst = firstNonBlank(text, nextStart, nextEnd);
        lastEnd = nextEnd;
        if (nFirst < nextEnd && text.charCodeAt(nFirst) === 35) {
          addComment(nextEnd, nFirst);
          continue;
        }
        if (nFirst === nextEnd) {
          (emptyContinuation ??= []).push(nextStart);
          continue;
        }
        cont = continuationAt(text, nextStart, nextEnd, escape);
        length = appendPiece(text, segments, pieces, length, nextStart, cont >= 0 ? cont : nextEnd);
      }
      // Concatenated, not joined: Array.join cost ~3x more for a few pieces. The cons string is
      // flattened once by its first search (findHeredocMarkers), and later slices point into
      // the flat copy.
      logical = pieces.length === 0 ? "" : pieces[0]!;
      for (let k = 1; k < pieces.length; k++) logical += pieces[k]!;
      if (emptyContinuation !== undefined) {
        for (const at of emptyContinuation) {
          diagnostics.push({
            code: ParseCodes.emptyContinuation,
            severity: "warning",
            message: "empty continuation line (empty continuation lines will become errors in a future release)",
            range: index.range(at, at),
          });
        }
      }
    }

    const start = first;
    const markers = findHeredocMarkers(logical);
    if (markers.length === 0) {
      lines.push({ text: logical, segments, start, end: lastEnd, heredocs: NO_HEREDOCS });
      continue;
    }
    const heredocs: HeredocBody[] = [];
    for (const marker of markers) {
      // An unterminated heredoc at the end of the text has an empty body at the line's end.
      const bodyStart = li + 1 < count ? physical[2 * (li + 1)]! : lastEnd;
      // The body's lines joined at the end: a flat string (a chain of concatenations is a cons
      // string, slower to scan for the shell parser and the rules).
      const bodyLines: string[] = [];
      let terminated = false;
      while (li + 1 < count) {
        li++;
        lastEnd = physical[2 * li + 1]!;
        let candidate = text.slice(physical[2 * li]!, lastEnd);
        if (marker.chomp) candidate = candidate.replace(/^\t+/, "");
        if (candidate === marker.name) {
          terminated = true;
          break;
        }
        bodyLines.push(candidate, "\n");
      }
      const content = bodyLines.join("");
      if (!terminated) {
        diagnostics.push({
          code: ParseCodes.unterminatedHeredoc,
          severity: "error",
          message: `unterminated heredoc: no line "${marker.name}" closes <<${marker.chomp ? "-" : ""}${marker.name}`,
          range: index.range(toOrigin(segments, marker.start), toOrigin(segments, marker.end)),
        });
      }
      heredocs.push({ marker, content, start: bodyStart, end: lastEnd });
    }
    lines.push({ text: logical, segments, start, end: lastEnd, heredocs });
  }
  return { lines, directives, comments, escapeChar };
}

const NO_HEREDOCS: readonly HeredocBody[] = [];

/**
 * Appends `text[from, to)` to a logical line of `length` characters (`pieces`, `segments`);
 * returns the new length. Empty pieces add nothing; a piece that continues the previous one in
 * the text extends its segment.
 */
function appendPiece(text: string, segments: Segment[], pieces: string[], length: number, from: number, to: number): number {
  if (to <= from) return length;
  // Not `segments[-1]` on the first call: a negative index is a slow named-property lookup.
  const last = segments.length > 0 ? segments[segments.length - 1] : undefined;
  if (last && last.origin + last.length === from && last.at + last.length === length) {
    segments[segments.length - 1] = { at: last.at, origin: last.origin, length: last.length + (to - from) };
  } else {
    segments.push({ at: length, origin: from, length: to - from });
  }
  pieces.push(text.slice(from, to));
  return length + (to - from);
}

/** Maps an offset of a logical line to the original text. */
export function toOrigin(segments: readonly Segment[], at: number): number {
  if (segments.length === 0) return 0;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[mid]!.at <= at) lo = mid;
    else hi = mid - 1;
  }
  const s = segments[lo]!;
  return s.origin + Math.min(Math.max(at - s.at, 0), s.length);
}
