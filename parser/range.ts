/** A place in a Dockerfile. `line` and `column` count from 1; `offset` is a UTF-16 index from 0. */
export interface Position {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** A half-open span `[start, end)` of the original text. */
export interface SourceRange {
  readonly start: Position;
  readonly end: Position;
}

/**
 * Maps offsets of a text to positions. Built once per file; lookups are a binary search over
 * line starts, so ranges can be made lazily from offsets.
 */
export class LineIndex {
  private readonly starts: number[];
  /** The text has a CR (CRLF or lone-CR line ends): scanners that look for line ends need to know. */
  readonly hasCR: boolean;

  constructor(readonly text: string) {
    const starts = [0];
    this.hasCR = text.indexOf("\r") >= 0;
    // Most files have only LF line ends: let the native indexOf find them.
    if (!this.hasCR) {
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.starts = starts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  /** The line of the last lookup: ranges are mostly asked for in text order, near each other. */
  private last = 0;

  position(offset: number): Position {
    const o = offset < 0 ? 0 : offset > this.text.length ? this.text.length : offset;
    const starts = this.starts;
    let lo = this.last;
    if (!(starts[lo]! <= o && (lo + 1 >= starts.length || starts[lo + 1]! > o))) {
      lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= o) lo = mid;
        else hi = mid - 1;
      }
      this.last = lo;
    }
    return { line: lo + 1, column: o - starts[lo]! + 1, offset: o };
  }

  range(start: number, end: number): SourceRange {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** @internal The start offset of every line, ascending (the parser's line pass reads them). */
  get lineStarts(): readonly number[] {
    return this.starts;
  }

  /** Offset where 1-based `line` starts (clamped). */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]!;
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
