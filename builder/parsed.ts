/**
 * Caches of data derived from a Dockerfile's text by this kiln build's code, under
 * `$KILN_ROOT/cache/<kind>/<sha256(build id, key parts)>.json`, so that a rebuild of an unchanged
 * Dockerfile loads neither the parser nor the linter: the parser's chunk (Chevrotain) and the
 * grammar's self-analysis, or the linter's rules, cost more than the rest of a cached no-op
 * build's work (docs/builder.md, Benchmark).
 *
 * - `parsed/`: `parse(text)` (plain data: tests check that a JSON round trip gives an equal value);
 * - `lint/`: the lint lines `kiln build` prints first (bin/commands/build.ts).
 *
 * An entry is written once per new input, atomically; an unreadable or malformed entry is
 * computed again and replaced. Without a build id (unbundled code) nothing is cached.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ParseResult } from "../parser/parse.js";
import { writeAtomic } from "./executor/cache.js";

export interface DerivedCache {
  /** The cache directory of one kind (`$KILN_ROOT/cache/parsed`). */
  readonly dir?: string;
  /** The code's identity (util/build-id.ts); no caching without one. */
  readonly id?: string | undefined;
}

/** The entry's path for these inputs, or undefined when nothing is cached. */
export function derivedPath(cache: DerivedCache, parts: readonly string[]): string | undefined {
  if (cache.dir === undefined || cache.id === undefined) return undefined;
  const hash = createHash("sha256").update(cache.id);
  for (const p of parts) hash.update("\0").update(String(p.length)).update(":").update(p);
  return join(cache.dir, `${hash.digest("hex")}.json`);
}

/** The cached value for `parts` when it passes `valid`, else `compute()`'s (then cached). */
export async function cachedDerived<T>(
  cache: DerivedCache,
  parts: readonly string[],
  valid: (value: unknown) => value is T,
  compute: () => T | Promise<T>,
): Promise<T> {
  const path = derivedPath(cache, parts);
  if (path !== undefined) {
    try {
      const cached: unknown = JSON.parse(readFileSync(path, "utf8"));
      if (valid(cached)) return cached;
    } catch {
      // missing or corrupt: compute again (and replace it)
    }
  }
  const value = await compute();
  if (path !== undefined) {
    try {
      mkdirSync(cache.dir!, { recursive: true });
      writeAtomic(path, JSON.stringify(value));
    } catch {
      // a read-only or full store only costs the next build the work again
    }
  }
  return value;
}

const isParseResult = (v: unknown): v is ParseResult =>
  typeof v === "object" && v !== null && typeof (v as ParseResult).dockerfile === "object" && (v as ParseResult).dockerfile !== null && Array.isArray((v as ParseResult).diagnostics);

/** parse(text), from the cache when this build already parsed the same text. */
export function parseCached(text: string, cache: DerivedCache = {}): Promise<ParseResult> {
  return cachedDerived(cache, [text], isParseResult, async () => (await import("../parser/parse.js")).parse(text));
}
