/**
 * Lint results over generated corpus files (bench/corpus.ts) must not change when the linter is
 * optimised: every file's findings (ids, severity, message, range, fix) and diagnostics are
 * hashed and compared with `fixtures/lint/corpus-digest.json`, which also holds per-rule counts
 * so a deliberate change can be reviewed. `KILN_UPDATE_GOLDENS=1 npm test` rewrites it.
 *
 * BUILDPLATFORM & co. come from the host, so the digest is checked on x64 hosts only.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generateCorpus } from "../../bench/corpus.js";
import { DEFAULT_CONFIG, lint, mergeConfig, type LintOptions, type LintResult } from "../../linter/index.js";
import { fixturesDir } from "../helpers/paths.js";

const file = join(fixturesDir, "lint", "corpus-digest.json");
const update = process.env.KILN_UPDATE_GOLDENS === "1";

interface Golden {
  readonly digests: readonly string[];
  readonly counts: Record<string, number>;
}

const runs: Record<string, { count: number; seed: number; options: LintOptions }> = {
  // What bench/lint.ts runs: every rule, experimental ones too, with a .dockerignore.
  bench: {
    count: 300,
    seed: 1,
    options: { config: mergeConfig(DEFAULT_CONFIG, { enable: ["all"] }), dockerignore: "*.env\nnode_modules\n", platform: "linux/amd64" },
  },
  // Defaults, with build args and another target platform.
  buildArgs: {
    count: 200,
    seed: 2,
    options: { buildArgs: { VERSION: "2.0.0", NODE_VERSION: "22", BASE_IMAGE: "debian:12", UID: "1001" }, platform: "linux/arm64/v8" },
  },
};

function serialise(r: LintResult): string {
  const range = (x: { start: { offset: number; line: number; column: number }; end: { offset: number; line: number; column: number } }) => [
    x.start.offset, x.end.offset, x.start.line, x.start.column, x.end.line, x.end.column,
  ];
  return JSON.stringify({
    findings: r.findings.map((f) => [f.ruleId, f.ids, f.severity, f.message, range(f.range), f.fix ?? null]),
    diagnostics: r.diagnostics.map((d) => [d.code, d.severity, d.message, range(d.range)]),
  });
}

function compute(): Record<string, Golden> {
  const out: Record<string, Golden> = {};
  for (const [name, run] of Object.entries(runs)) {
    const digests: string[] = [];
    const counts: Record<string, number> = {};
    for (const text of generateCorpus(run.count, run.seed)) {
      const r = lint(text, run.options);
      digests.push(createHash("sha256").update(serialise(r)).digest("hex").slice(0, 16));
      for (const f of r.findings) for (const id of f.ids) counts[id] = (counts[id] ?? 0) + 1;
      for (const d of r.diagnostics) counts[`diagnostic:${d.code}`] = (counts[`diagnostic:${d.code}`] ?? 0) + 1;
    }
    out[name] = { digests, counts: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
  }
  return out;
}

test("lint results over corpus files match the golden digest", () => {
  if (process.arch !== "x64" && !update) return;
  const actual = compute();
  if (update) writeFileSync(file, JSON.stringify(actual, null, 1) + "\n");
  const expected = JSON.parse(readFileSync(file, "utf8")) as Record<string, Golden>;
  for (const name of Object.keys(runs)) {
    assert.equal(actual[name]!.counts, expected[name]!.counts, `${name}: finding counts per rule`);
    const changed = actual[name]!.digests.flatMap((d, i) => (d === expected[name]!.digests[i] ? [] : [i]));
    assert.equal(changed, [], `${name}: files whose findings changed (indexes into generateCorpus(${runs[name]!.count}, ${runs[name]!.seed}))`);
  }
});

test.run();
