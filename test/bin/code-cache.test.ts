/**
 * The launcher's V8 code cache (scripts/kiln-boot.cjs): written after a successful run, used by
 * the next run of the same command, and a corrupt, truncated or unwritable cache never breaks
 * a command: it is rejected and rewritten, or the ES module bundle runs instead. (`kiln
 * --version` and `--help` always run the ES module bundle: see the launcher in scripts/build.mjs.)
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { version } from "../../bin/version.js";
import { kiln } from "./helpers.js";

const dirs: string[] = [];
const work = mkdtempSync(join(tmpdir(), "kiln-code-cache-work-"));
dirs.push(work);
const dockerfile = join(work, "Dockerfile");
writeFileSync(dockerfile, "FROM busybox\nRUN true\n");
/** What `kiln parse` prints for `dockerfile`, from the ES module bundle. */
const parsed = kiln(["parse", "--format", "dump", "-f", dockerfile], { env: { KILN_CODE_CACHE: "off" } }).stdout;
function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "kiln-code-cache-"));
  dirs.push(dir);
  return dir;
}

/** `kiln args` with the code cache in `dir`; its stdout, status and the loader's log lines. */
function run(dir: string, args: readonly string[]) {
  const r = kiln(args, { env: { KILN_CODE_CACHE: dir, KILN_CODE_CACHE_LOG: "1" } });
  const log = r.stderr.split("\n").filter((l) => l.startsWith("kiln: code cache: "));
  return { ...r, log: log.join("\n") };
}

const only = (dir: string) => {
  const files = readdirSync(dir);
  assert.is(files.length, 1, `one cache file in ${dir}: ${files.join(", ")}`);
  return join(dir, files[0]!);
};

test("a first run writes the command's cache, the next run uses it", () => {
  assert.match(parsed, /\(from "busybox"\)/);
  const dir = cacheDir();
  const first = run(dir, ["parse", "--format", "dump", "-f", dockerfile]);
  assert.is(first.status, 0);
  assert.is(first.stdout, parsed);
  assert.match(first.log, /none at .*-parse\.bin/);
  assert.match(first.log, /wrote /);
  const file = only(dir);
  const second = run(dir, ["parse", "--format", "dump", "-f", dockerfile]);
  assert.is(second.stdout, parsed);
  assert.match(second.log, /using /);
  assert.not.match(second.log, /wrote /);
  // another command has its own cache
  const images = run(dir, ["images", "--help"]);
  assert.is(images.status, 0);
  assert.match(images.log, /-help\.bin/);
  assert.ok(existsSync(file));
  assert.is(readdirSync(dir).length, 2);
});

test("a corrupt or truncated cache is rejected and rewritten, never a crash", () => {
  const dir = cacheDir();
  run(dir, ["parse", "--format", "dump", "-f", dockerfile]);
  const file = only(dir);
  const good = readFileSync(file);
  const flipped = Buffer.from(good);
  for (let i = flipped.length >> 1; i < (flipped.length >> 1) + 64; i++) flipped[i]! ^= 0x5a;
  for (const bad of [flipped, good.subarray(0, good.length >> 1), Buffer.from("not a cache")]) {
    writeFileSync(file, bad);
    const r = run(dir, ["parse", "--format", "dump", "-f", dockerfile]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, parsed);
    assert.match(r.log, /rejected /);
    assert.match(r.log, /wrote /);
    assert.match(run(dir, ["parse", "--format", "dump", "-f", dockerfile]).log, /using /);
  }
});

test("a failed run writes no cache", () => {
  const dir = cacheDir();
  const r = run(dir, ["tag"]);
  assert.is(r.status, 2);
  assert.match(r.log, /none at /);
  assert.equal(readdirSync(dir), []);
});

test("kiln lint reporting findings (exit 1) writes its cache; a usage error (exit 2) does not", () => {
  const dir = cacheDir();
  const bad = join(work, "findings.Dockerfile");
  writeFileSync(bad, "from busybox\nMAINTAINER someone\n");
  const first = run(dir, ["lint", "--failure-threshold", "warning", bad]);
  assert.is(first.status, 1, first.stderr);
  assert.match(first.log, /wrote /);
  const second = run(dir, ["lint", "--failure-threshold", "warning", bad]);
  assert.is(second.status, 1);
  assert.match(second.log, /using /);
  assert.is(second.stdout, first.stdout);
  const other = cacheDir();
  const usage = run(other, ["lint", "--failure-threshold", "loud", bad]);
  assert.is(usage.status, 2, usage.stderr);
  assert.equal(readdirSync(other), []);
});

test("no place to write a cache: the ES module bundle runs", () => {
  const dir = cacheDir();
  writeFileSync(join(dir, "file"), "");
  const r = run(join(dir, "file", "cache"), ["parse", "--format", "dump", "-f", dockerfile]);
  assert.is(r.status, 0);
  assert.is(r.stdout, parsed);
  assert.match(r.log, /off, running dist\/kiln\.mjs/);
});

test("KILN_CODE_CACHE=off, --version and --help run the ES module bundle, writing no cache", () => {
  const dir = cacheDir();
  for (const args of [["--version"], ["--help"], []]) {
    const r = run(dir, args);
    assert.is(r.log, "");
    if (args[0] === "--version") assert.is(r.stdout.trim(), version());
  }
  assert.is(run("off", ["parse", "--format", "dump", "-f", dockerfile]).log, "");
  assert.equal(readdirSync(dir), []);
});

test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test.run();
