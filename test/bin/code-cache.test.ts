/**
 * The launcher's V8 code cache (scripts/kiln-boot.cjs): written after a successful run, used by
 * the next run of the same command, and a corrupt, truncated or unwritable cache never breaks
 * a command: it is rejected and rewritten, or the ES module bundle runs instead. A build that ran
 * RUN steps keeps its broad cache apart until a leaner run replaces it. (`kiln
 * --version` and `--help` always run the ES module bundle: see the launcher in scripts/build.mjs.)
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { version } from "../../bin/version.js";
import { kiln } from "./helpers.js";
import { changesToTar, treeChanges } from "../../runtime/index.js";
import { collect } from "../image/helpers.js";
import { busyboxRootfs, cleanupTemps, rootTest } from "../runtime/helpers.js";

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

rootTest("a build that ran RUN steps writes a broad cache; the next leaner build drops it and the one after writes the lean cache, kept", async () => {
  const dir = cacheDir();
  const store = join(cacheDir(), "root");
  const tar = join(work, "busybox.tar");
  const rootfs = busyboxRootfs();
  writeFileSync(tar, await collect(changesToTar(treeChanges(rootfs), rootfs)));
  assert.is(kiln(["--root", store, "import", tar, "busybox"], { env: { KILN_CODE_CACHE: "off" } }).status, 0);
  const ctx = join(work, "ctx");
  mkdirSync(ctx, { recursive: true });
  writeFileSync(join(ctx, "Dockerfile"), "FROM busybox\nRUN echo ran > /ran\n");
  const build = () => run(dir, ["--root", store, "build", "-q", "--network", "none", ctx]);
  const files = () => readdirSync(dir).map((f) => f.replace(/^.*-build/, "build")).sort();

  const cold = build();
  assert.is(cold.status, 0, cold.stderr);
  assert.match(cold.log, /wrote .*-build\.broad\.bin/);
  assert.equal(files(), ["build.broad.bin"]);
  const broadSize = statSync(join(dir, readdirSync(dir)[0]!)).size;

  // a read-only cache directory: the broad cache is used and kept, the build succeeds
  const readOnly = cacheDir();
  copyFileSync(join(dir, readdirSync(dir)[0]!), join(readOnly, readdirSync(dir)[0]!));
  assert.is(spawnSync("mount", ["--bind", readOnly, readOnly]).status, 0);
  try {
    assert.is(spawnSync("mount", ["-o", "remount,bind,ro", readOnly]).status, 0);
    const kept = run(readOnly, ["--root", store, "build", "-q", "--network", "none", ctx]);
    assert.is(kept.status, 0, kept.stderr);
    assert.match(kept.log, /using .*-build\.broad\.bin/);
    assert.match(kept.log, /not dropped: EROFS/);
  } finally {
    spawnSync("umount", [readOnly]);
  }
  assert.is(readdirSync(readOnly).length, 1);

  const noop = build(); // all CACHED: no RUN
  assert.match(noop.log, /using .*-build\.broad\.bin/);
  assert.match(noop.log, /dropped /);
  assert.equal(files(), []);

  const next = build();
  assert.match(next.log, /none at .*-build\.bin/);
  assert.match(next.log, /wrote .*-build\.bin/);
  assert.equal(files(), ["build.bin"]);
  assert.ok(statSync(join(dir, readdirSync(dir)[0]!)).size < broadSize, "the lean cache is smaller");

  // RUN steps again (--no-cache): the lean cache serves them and stays
  const again = run(dir, ["--root", store, "build", "-q", "--no-cache", "--network", "none", ctx]);
  assert.is(again.status, 0, again.stderr);
  assert.match(again.log, /using .*-build\.bin/);
  assert.not.match(again.log, /wrote |dropped /);
  assert.equal(files(), ["build.bin"]);
});

test.after(() => {
  cleanupTemps();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test.run();
