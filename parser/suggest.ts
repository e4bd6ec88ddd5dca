/** "Did you mean" suggestions by edit distance, case-insensitive. */

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** One row of the bounded edit distance, reused (suggest runs for every undefined variable). */
let row = new Int32Array(64);

/**
 * The edit distance of `a` and `b` when it is below `bound`, else some value >= `bound`: stops
 * once every entry of a row is at least `bound` (the distance can only grow from there).
 */
function boundedDistance(a: string, b: string, bound: number): number {
  if (a === b) return 0;
  const n = b.length;
  if (row.length <= n) row = new Int32Array(n + 1);
  const prev = row;
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    let least = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const up = prev[j]!;
      const left = prev[j - 1]!;
      const sub = diag + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const v = up + 1 < left + 1 ? (up + 1 < sub ? up + 1 : sub) : left + 1 < sub ? left + 1 : sub;
      prev[j] = v;
      if (v < least) least = v;
      diag = up;
    }
    if (least >= bound) return bound;
  }
  return prev[n]!;
}

/** The closest candidate within a distance that grows with the word's length, or undefined. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  let best: string | undefined;
  // Only a distance within the limit is ever returned, and the distance is at least the length
  // difference: skip the edit distance for candidates that cannot win (most of them), and stop
  // computing one as soon as it cannot win.
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (Math.abs(w.length - c.length) >= bestDistance) continue;
    const d = boundedDistance(w, c.toLowerCase(), bestDistance);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
