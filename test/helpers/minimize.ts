/**
 * Shrinks a failing input while it keeps failing the same way: greedy delta debugging, first over
 * lines (terminators kept), then over UTF-16 code units (so lone surrogates survive).
 */
export interface MinimizeOptions {
  /** Upper bound on predicate calls. */
  readonly maxTries?: number;
  /** Stop after this many milliseconds. */
  readonly timeoutMs?: number;
}

export function minimize(input: string, fails: (candidate: string) => boolean, options: MinimizeOptions = {}): string {
  let tries = options.maxTries ?? 4000;
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  const test = (candidate: string): boolean => {
    if (tries <= 0 || Date.now() > deadline) return false;
    tries--;
    try {
      return fails(candidate);
    } catch {
      return false;
    }
  };
  const reduce = (units: string[]): string[] => {
    let chunk = Math.max(1, units.length >> 1);
    for (;;) {
      let removed = false;
      for (let i = 0; i < units.length; ) {
        const candidate = units.slice(0, i).concat(units.slice(i + chunk));
        if (test(candidate.join(""))) {
          units = candidate;
          removed = true;
        } else {
          i += chunk;
        }
      }
      if (!removed) {
        if (chunk === 1) return units;
        chunk = Math.max(1, chunk >> 1);
      }
    }
  };
  const lines = input.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const byLines = reduce(lines).join("");
  return reduce(byLines.split("")).join("");
}
