/**
 * Applying fixes: every finding's edits, in text order; a fix whose edits overlap an edit already
 * taken is skipped whole (a later `--fix` round may apply it once the text has settled).
 */
import type { Edit, Finding } from "./types.js";

export interface FixOutcome {
  readonly text: string;
  readonly applied: readonly Finding[];
  readonly skipped: readonly Finding[];
}

export function applyFixes(text: string, findings: readonly Finding[]): FixOutcome {
  const fixable = findings.filter((f) => f.fix && f.fix.edits.length > 0);
  fixable.sort((a, b) => firstStart(a) - firstStart(b));
  const taken: Edit[] = [];
  const applied: Finding[] = [];
  const skipped: Finding[] = [];
  for (const f of fixable) {
    const edits = f.fix!.edits;
    const clash = edits.some((e) => e.start < 0 || e.end > text.length || e.end < e.start || taken.some((t) => overlaps(t, e))) || selfOverlap(edits);
    if (clash) {
      skipped.push(f);
      continue;
    }
    taken.push(...edits);
    applied.push(f);
  }
  taken.sort((a, b) => a.start - b.start || a.end - b.end);
  let out = "";
  let at = 0;
  for (const e of taken) {
    out += text.slice(at, e.start) + e.newText;
    at = e.end;
  }
  out += text.slice(at);
  return { text: out, applied, skipped };
}

function firstStart(f: Finding): number {
  return Math.min(...f.fix!.edits.map((e) => e.start));
}

/** Touching edits overlap too when both insert at the same point (their order would be arbitrary). */
function overlaps(a: Edit, b: Edit): boolean {
  if (a.start === a.end && b.start === b.end) return a.start === b.start;
  return a.start < b.end && b.start < a.end;
}

function selfOverlap(edits: readonly Edit[]): boolean {
  for (let i = 0; i < edits.length; i++) for (let j = i + 1; j < edits.length; j++) if (overlaps(edits[i]!, edits[j]!)) return true;
  return false;
}
