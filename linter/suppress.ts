/**
 * Suppressions written in the Dockerfile:
 *
 * - `# hadolint ignore=DL3008,DL3009`: the listed rules are not reported on the next instruction.
 * - `# hadolint global ignore=DL3008`: not reported anywhere in the file.
 * - `# kiln ignore=...` / `# kiln global ignore=...`: the same, in kiln's own words.
 * - BuildKit's `# check=skip=Rule1,Rule2;error=true` directive (`skip=all` skips every rule;
 *   `error=true` makes BuildKit-check findings errors; `experimental=Rule|all` enables
 *   experimental checks).
 *
 * Rule ids compare case-insensitively.
 */
import type { Comment, Dockerfile, Instruction } from "../parser/index.js";

export interface CheckDirective {
  readonly skip: ReadonlySet<string>;
  readonly skipAll: boolean;
  readonly error: boolean;
  readonly experimental: ReadonlySet<string>;
  readonly experimentalAll: boolean;
}

function idList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
}

/** No `# check=` directive (nearly every file): one shared, empty answer. */
const NO_CHECK: CheckDirective = { skip: new Set(), skipAll: false, error: false, experimental: new Set(), experimentalAll: false };

/** BuildKit's `# check=` value: `;`-separated `key=value` pairs. Unknown keys are ignored. */
export function parseCheckDirective(dockerfile: Dockerfile): CheckDirective {
  if (!dockerfile.directives.some((d) => d.name === "check")) return NO_CHECK;
  const skip = new Set<string>();
  const experimental = new Set<string>();
  let error = false;
  for (const d of dockerfile.directives) {
    if (d.name !== "check") continue;
    for (const part of d.value.split(";")) {
      const eq = part.indexOf("=");
      if (eq < 0) continue;
      const key = part.slice(0, eq).trim().toLowerCase();
      const value = part.slice(eq + 1).trim();
      if (key === "skip") for (const id of idList(value)) skip.add(id);
      else if (key === "error") error = value.toLowerCase() === "true";
      else if (key === "experimental") for (const id of idList(value)) experimental.add(id);
    }
  }
  return { skip, skipAll: skip.has("all"), error, experimental, experimentalAll: experimental.has("all") };
}

export interface Suppressions {
  /** Ids ignored in the whole file. */
  readonly global: ReadonlySet<string>;
  /** Per instruction (by start offset): ids ignored on it. */
  readonly byInstruction: ReadonlyArray<{ readonly start: number; readonly end: number; readonly ids: ReadonlySet<string> }>;
}

const PRAGMA = /^(?:hadolint|kiln)\s+(global\s+)?ignore\s*=\s*(.*)$/i;

/** A pragma starts with `hadolint` or `kiln` (any case): other comments skip the regex. */
function mayBePragma(c: Comment): boolean {
  const c0 = c.text.charCodeAt(0) | 0x20;
  return c0 === 104 /* h */ || c0 === 107 /* k */;
}

/** No pragma (nearly every file): one shared, empty answer. */
const NO_SUPPRESSIONS: Suppressions = { global: new Set(), byInstruction: [] };

export function readSuppressions(dockerfile: Dockerfile, honourInline = true): Suppressions {
  if (!honourInline || !dockerfile.comments.some(mayBePragma)) return NO_SUPPRESSIONS;
  const global = new Set<string>();
  const byInstruction: { start: number; end: number; ids: Set<string> }[] = [];
  const instructions: readonly Instruction[] = dockerfile.instructions;
  let next = 0;
  for (const comment of dockerfile.comments) {
    const m = PRAGMA.exec(comment.text);
    if (!m) continue;
    const ids = idList(m[2]!.split(/\s/)[0] ?? "");
    if (m[1]) {
      for (const id of ids) global.add(id);
      continue;
    }
    const at = comment.range.end.offset;
    // Comments are in text order, so the search for "the next instruction" only moves forward.
    while (next < instructions.length && instructions[next]!.range.start.offset < at) next++;
    const target = instructions[next];
    if (!target) continue;
    const last = byInstruction[byInstruction.length - 1];
    if (last && last.start === target.range.start.offset) for (const id of ids) last.ids.add(id);
    else byInstruction.push({ start: target.range.start.offset, end: target.range.end.offset, ids: new Set(ids) });
  }
  return { global, byInstruction };
}

/** True when a finding of `id` starting at `offset` is suppressed by a pragma. */
export function isSuppressed(s: Suppressions, id: string, offset: number): boolean {
  const lower = id.toLowerCase();
  if (s.global.has(lower)) return true;
  for (const entry of s.byInstruction) {
    if (offset >= entry.start && offset < Math.max(entry.end, entry.start + 1) && entry.ids.has(lower)) return true;
  }
  return false;
}
