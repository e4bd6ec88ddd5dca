"use strict";
// dist/kiln-boot.cjs, what the `dist/kiln` launcher runs (scripts/build.mjs writes it from this
// file, with __KILN_BUNDLE_ID__ replaced by a hash of dist/kiln.cjs).
//
// Start-up with a V8 code cache. Node 20 has no code cache for ES modules
// (module.enableCompileCache is Node 22), so the CLI is also bundled as one CommonJS script,
// dist/kiln.cjs (bin/bundle.ts), compiled here through vm.Script with the bytecode V8 made for
// it on an earlier run of the same command. That skips parsing and compiling, and the ES module
// loader's per-chunk resolve and read: a cached no-op `kiln build` spends about a third less
// CPU (docs/architecture.md, The CLI).
//
// The cache lives beside the bundle in dist/code-cache/ (KILN_CODE_CACHE=DIR elsewhere,
// KILN_CODE_CACHE=off not at all), one file per command, named after the bundle's hash, the V8
// version and Node's flags, so another build or Node never reads it. V8 rejects a cache made
// by other flags; with --verify-snapshot-checksum it also checksums the cache, so a corrupt
// file is rejected, not a crash. A missing or rejected cache is written after a successful run
// (to a temp file, then renamed); a build that ran RUN steps writes a "broad" one, which a leaner
// run later replaces (runCached). Without a cache and a writable place for one, the ES module
// bundle (dist/kiln.mjs) runs as before. KILN_CODE_CACHE_LOG=1 says which path was taken.
const fs = require("node:fs");
const path = require("node:path");

const BUNDLE_ID = "__KILN_BUNDLE_ID__";
const setting = process.env.KILN_CODE_CACHE;
const log = process.env.KILN_CODE_CACHE_LOG === "1" ? (m) => process.stderr.write(`kiln: code cache: ${m}\n`) : () => {};

/** The cache's name for this command line: its command word, "help", or "none" (`--version`). */
function commandKey(args) {
  let word = "none";
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--help" || a === "-h") return "help";
    if (a === "--root") i++;
    else if (word === "none" && !a.startsWith("-")) word = /^[a-z]{1,20}$/.test(a) ? a : "other";
  }
  return word;
}

/** A short hash of the flags Node and V8 run with (V8 rejects a cache made under other flags). */
function flagsHash() {
  const text = `${process.execArgv.join(" ")}\0${process.env.NODE_OPTIONS ?? ""}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

function writable(dir) {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      fs.accessSync(d, fs.constants.W_OK);
      return true;
    } catch (err) {
      if (err.code !== "ENOENT" || path.dirname(d) === d) return false;
    }
  }
}

function runEsm() {
  log("off, running dist/kiln.mjs");
  import(require("node:url").pathToFileURL(path.join(__dirname, "kiln.mjs")).href).catch((err) => {
    process.stderr.write(`kiln: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  });
}

/**
 * A run that ran RUN steps (a cold build) compiled the runtime too, so the cache made at its end
 * is broad: ~1.3 MB against 0.8-0.9 MB for a rebuild's, and deserializing all of it cost every
 * later no-op or one-file rebuild 3-5 ms. The CLI marks such a run (util/code-cache.ts); its cache
 * goes to `<name>.broad.bin`, used only until a leaner run of the command ends: that run deletes
 * it, and the next one, with no cache, writes `<name>.bin`, which is kept.
 */
const BROAD_RUN = Symbol.for("kiln.codeCache.broadRun");

function runCached() {
  const args = process.argv.slice(2);
  const dir = setting && setting !== "on" ? path.resolve(setting) : path.join(__dirname, "code-cache");
  const key = commandKey(args);
  const name = path.join(dir, `${BUNDLE_ID}-${process.versions.v8}-${flagsHash()}-${key}`);
  const lean = `${name}.bin`;
  const broad = `${name}.broad.bin`;
  let cached;
  let file = lean;
  try {
    cached = fs.readFileSync(lean);
  } catch {
    try {
      cached = fs.readFileSync(broad);
      file = broad;
    } catch {
      if (!writable(dir)) return runEsm();
    }
  }
  const vm = require("node:vm");
  // checksums in code caches: made when written, verified when read (V8 skips both by default).
  // The launcher passes the flag to node (setting it here loads node:v8, ~4 ms).
  if (!process.execArgv.includes("--verify-snapshot-checksum")) require("node:v8").setFlagsFromString("--verify-snapshot-checksum");
  const bundle = path.join(__dirname, "kiln.cjs");
  // esbuild writes ASCII only, so latin1 reads it exactly and without UTF-8 decoding
  const source = fs.readFileSync(bundle, "latin1");
  const script = new vm.Script(require("node:module").wrap(source), { filename: bundle, cachedData: cached });
  const stale = cached === undefined || script.cachedDataRejected === true;
  log(cached === undefined ? `none at ${lean}` : stale ? `rejected ${file}` : `using ${file}`);
  process.once("exit", (status) => {
    // a failed run may have compiled too little to be worth keeping; `kiln lint` exits 1 when
    // it reports findings, after a whole run (without this its cache was never written)
    if (status !== 0 && !(status === 1 && key === "lint")) return;
    const wide = globalThis[BROAD_RUN] === true;
    if (!stale) {
      if (file === broad && !wide) {
        try {
          fs.rmSync(broad, { force: true });
          log(`dropped ${broad}`);
        } catch (err) {
          log(`not dropped: ${err.message}`); // a read-only cache directory keeps what it has
        }
      }
      return;
    }
    const target = wide ? broad : lean;
    const temp = `${target}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(temp, script.createCachedData());
      fs.renameSync(temp, target);
      log(`wrote ${target}`);
      if (file !== target) fs.rmSync(file, { force: true }); // a rejected cache, or the broad one a lean run replaces
    } catch (err) {
      log(`not written: ${err.message}`);
      fs.rmSync(temp, { force: true });
    }
  });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, require("node:module").createRequire(bundle), mod, bundle, __dirname);
  return mod.exports.start();
}

if (setting === "off" || setting === "0") runEsm();
else runCached();
