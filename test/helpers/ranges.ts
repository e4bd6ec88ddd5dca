/**
 * A generic walker over anything the parser returns: finds every object that has `start` and
 * `end` Positions (SourceRange-shaped) wherever it sits (instructions, keywords, flags, words,
 * heredocs, mounts, pairs, nested ONBUILD triggers, diagnostics, and fields added later), and
 * checks them against the text. Used by the fuzz test and usable by any parser test.
 */
import { LineIndex, type Position, type SourceRange } from "../../parser/index.js";

export interface FoundRange {
  /** Where it was found, e.g. `dockerfile.instructions[3].flags[0].range`. */
  readonly path: string;
  readonly range: SourceRange;
}

export interface RangeProblem {
  /** A stable class of problem, used to keep minimisation on the same bug. */
  readonly kind: "malformed" | "bounds" | "position" | "containment" | "order";
  readonly path: string;
  readonly message: string;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function isPosition(v: unknown): v is Position {
  return isObject(v) && typeof v["line"] === "number" && typeof v["column"] === "number" && typeof v["offset"] === "number";
}

/** Positions need all three fields; anything with some of them is a malformed position. */
function looksLikePosition(v: unknown): boolean {
  return isObject(v) && ("offset" in v || ("line" in v && "column" in v));
}

/** Every range-shaped object under `root`, depth first, in property order. */
export function findRanges(root: unknown, rootPath = "result"): { ranges: FoundRange[]; malformed: RangeProblem[] } {
  const ranges: FoundRange[] = [];
  const malformed: RangeProblem[] = [];
  const seen = new Set<object>();
  const visit = (node: unknown, path: string): void => {
    if (!isObject(node) || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, `${path}[${i}]`));
      return;
    }
    const start = node["start"];
    const end = node["end"];
    if (isPosition(start) && isPosition(end)) {
      ranges.push({ path, range: node as unknown as SourceRange });
    } else if (looksLikePosition(start) || looksLikePosition(end)) {
      malformed.push({ kind: "malformed", path, message: `not a SourceRange: ${JSON.stringify(node).slice(0, 200)}` });
    }
    for (const key of Object.keys(node)) {
      if (key === "start" || key === "end") continue;
      visit(node[key], `${path}.${key}`);
    }
  };
  visit(root, rootPath);
  return { ranges, malformed };
}

function checkPosition(p: Position, index: LineIndex, length: number, path: string, problems: RangeProblem[]): void {
  if (![p.line, p.column, p.offset].every(Number.isInteger)) {
    problems.push({ kind: "malformed", path, message: `non-integer position ${JSON.stringify(p)}` });
    return;
  }
  if (p.offset < 0 || p.offset > length) {
    problems.push({ kind: "bounds", path, message: `offset ${p.offset} outside [0, ${length}]` });
    return;
  }
  const expected = index.position(p.offset);
  if (expected.line !== p.line || expected.column !== p.column) {
    problems.push({
      kind: "position",
      path,
      message: `offset ${p.offset} is line ${expected.line} column ${expected.column}, the node says line ${p.line} column ${p.column}`,
    });
  }
}

const within = (inner: SourceRange, outer: SourceRange) =>
  outer.start.offset <= inner.start.offset && inner.end.offset <= outer.end.offset;

/**
 * Checks every range of a parse result against `text`:
 * - 0 <= start.offset <= end.offset <= text.length, integer fields;
 * - line/column agree with the offset (LineIndex: LF, CRLF and lone CR end lines);
 * - every range under `dockerfile.instructions[i]` lies within that instruction's `range`
 *   (the AST documents the instruction range as covering continuations and heredoc bodies);
 * - instructions come in source order without overlapping.
 */
export function checkRanges(text: string, result: unknown): { ranges: FoundRange[]; problems: RangeProblem[] } {
  const { ranges, malformed } = findRanges(result);
  const problems: RangeProblem[] = [...malformed];
  const index = new LineIndex(text);
  for (const { path, range } of ranges) {
    checkPosition(range.start, index, text.length, `${path}.start`, problems);
    checkPosition(range.end, index, text.length, `${path}.end`, problems);
    if (range.start.offset > range.end.offset) {
      problems.push({ kind: "bounds", path, message: `start.offset ${range.start.offset} > end.offset ${range.end.offset}` });
    }
  }
  const instructions = isObject(result) && isObject(result["dockerfile"]) ? result["dockerfile"]["instructions"] : undefined;
  if (Array.isArray(instructions)) {
    const prefix = "result.dockerfile.instructions[";
    for (const { path, range } of ranges) {
      if (!path.startsWith(prefix)) continue;
      const i = Number(path.slice(prefix.length, path.indexOf("]", prefix.length)));
      const own = (instructions[i] as { range?: SourceRange } | undefined)?.range;
      if (own && isPosition(own.start) && !within(range, own)) {
        problems.push({
          kind: "containment",
          path,
          message: `[${range.start.offset}, ${range.end.offset}) is outside its instruction's range [${own.start.offset}, ${own.end.offset})`,
        });
      }
    }
    for (let i = 1; i < instructions.length; i++) {
      const prev = (instructions[i - 1] as { range?: SourceRange }).range;
      const next = (instructions[i] as { range?: SourceRange }).range;
      if (prev && next && isPosition(prev.end) && isPosition(next.start) && prev.end.offset > next.start.offset) {
        problems.push({
          kind: "order",
          path: `${prefix}${i}].range`,
          message: `starts at ${next.start.offset}, before the previous instruction ends (${prev.end.offset})`,
        });
      }
    }
  }
  return { ranges, problems };
}
