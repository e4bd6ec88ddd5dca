/**
 * Linting on worker threads gives exactly what linting one file after another gives, in input
 * order; the bundled CLI prints the same report with 1 or 2 threads.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { generateCorpus } from "../../bench/corpus.js";
import { DEFAULT_CONFIG, lint, mergeConfig } from "../../linter/index.js";
import { lintMany, lintThreads, type LintJob } from "../../linter/parallel.js";
import { kiln } from "../bin/helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { enable: ["all"], ignored: ["DL3008"] });
const texts = generateCorpus(60, 7);
// A file that does not parse and one with a rule error in its findings keep their places.
texts.splice(5, 0, "FROM\nNOTANINSTRUCTION x\n", "FROM alpine:3.20 AS Build\nMAINTAINER me\n");
const jobs: LintJob[] = texts.map((text, k) => ({ text, options: { file: `f${k}`, dockerignore: k % 2 ? "*.env\n" : null, buildArgs: { V: String(k) } } }));

test("lintMany on 3 threads equals lint() file by file, in order", async () => {
  const expected = jobs.map((j) => lint(j.text, { ...j.options, config }));
  const actual = await lintMany(jobs, config, 3);
  assert.is(actual.length, expected.length);
  for (let k = 0; k < expected.length; k++) assert.equal(actual[k], expected[k], `file ${k}`);
  assert.ok(actual[5]!.diagnostics.length > 0, "the broken file keeps its diagnostics");
});

test("lintThreads: one thread for a few files, KILN_LINT_THREADS overrides, bad values are usage errors", () => {
  assert.is(lintThreads(10, {}), 1);
  assert.is(lintThreads(1000, {}), availableParallelism() <= 2 ? 1 : Math.min(availableParallelism(), 16));
  assert.is(lintThreads(1000, { KILN_LINT_THREADS: "1" }), 1);
  assert.is(lintThreads(1000, { KILN_LINT_THREADS: "3" }), 3);
  // Never more threads than batches of files.
  assert.is(lintThreads(9, { KILN_LINT_THREADS: "4" }), 2);
  assert.throws(() => lintThreads(100, { KILN_LINT_THREADS: "zero" }), /KILN_LINT_THREADS/);
});

test("kiln lint prints the same report with 1 and 2 threads", () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-lint-par-"));
  try {
    texts.forEach((t, k) => writeFileSync(join(dir, `${String(k).padStart(3, "0")}.Dockerfile`), t));
    const run = (threads: string) => kiln(["lint", "--format", "json", "*.Dockerfile"], { cwd: dir, env: { ...process.env, KILN_LINT_THREADS: threads } });
    const one = run("1");
    const two = run("2");
    assert.is(one.status, 1, one.stderr);
    assert.is(two.status, one.status, two.stderr);
    assert.is(two.stdout, one.stdout);
    // Problems come file by file, in the order of the file list.
    const files = [...new Set((JSON.parse(one.stdout) as { file: string }[]).map((p) => p.file))];
    assert.ok(files.length > texts.length / 2, `${files.length} files with problems`);
    assert.equal(files, [...files].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
