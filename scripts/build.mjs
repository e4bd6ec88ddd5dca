// Build: type-check and emit the library, tests and benchmarks with tsc (dist/lib), then bundle
// the CLI with esbuild twice:
// - dist/kiln.mjs (bin/kiln.ts), an ES module with code splitting: it holds yargs and the command
//   list only; each command's library code (parser, chevrotain, …) lands in dist/cli/*.mjs chunks
//   that `await import()` loads when that command runs, so `kiln --version` starts fast.
// - dist/kiln.cjs (bin/bundle.ts), the same CLI as one CommonJS script, which dist/kiln-boot.cjs
//   (scripts/kiln-boot.cjs) compiles with a V8 code cache; what the `dist/kiln` launcher runs.
import { execFileSync } from "node:child_process";
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { rmSync, chmodSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { buildHelper } from "./build-helper.mjs";

const shim = (name) => fileURLToPath(new URL(`./shims/${name}.mjs`, import.meta.url));

/**
 * Start-up trims for the CLI bundle (measured with `npm run bench`): replace `string-width`
 * (every copy) and yargs' use of `assert` with small equivalents, see scripts/shims/; and stop
 * yargs from rendering a command's whole help text each time a handler starts (15-40 ms for
 * `kiln run`, measured in bench/runtime): it caches it for a failure after the handler, but
 * kiln's `.fail()` rethrows handler errors and never prints that help; and make yargs read the
 * terminal width only when it needs it.
 */
const startupShims = {
  name: "kiln-startup-shims",
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, () => ({ path: shim("string-width") }));
    b.onResolve({ filter: /^(node:)?assert$/ }, (args) =>
      /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]/.test(args.importer) ? { path: shim("assert") } : undefined,
    );
    b.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]command\.js$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const call = "yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();";
      // a yargs upgrade that moves this call must fail the build, not silently lose the trim
      if (source.split(call).length !== 2) throw new Error(`build: ${args.path} no longer has exactly one \`${call}\``);
      return { contents: source.replace(call, "/* kiln: help not cached, see scripts/build.mjs */"), loader: "js" };
    });
    // yargs' shim read process.stdout.columns when its module loaded, making Node's stdout
    // stream (10-15 ms over a pipe) in every command: read it when yargs asks (bin/stdio.ts)
    b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const eager = "stdColumns: typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null";
      if (source.split(eager).length !== 2) throw new Error(`build: ${args.path} no longer has exactly one \`${eager}\``);
      return { contents: source.replace(eager, "get stdColumns() { return typeof process.stdout.columns !== 'undefined' ? process.stdout.columns : null; }"), loader: "js" };
    });
  },
};

const pkg = JSON.parse(readFileSync("package.json", "utf8"));

/**
 * The build's identity (util/build-id.ts): a hash of every TypeScript source outside tests and
 * benchmarks, the lockfile and the version, so caches of derived data under KILN_ROOT (parsed
 * Dockerfiles, lint findings) written by another kiln build are never read as this one's.
 */
function sourceHash() {
  const hash = createHash("sha256").update(pkg.version).update("\0");
  const skip = new Set(["node_modules", "dist", "test", "bench", "fixtures", ".git"]);
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = dir === "." ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (!skip.has(e.name)) walk(p);
      } else if (/\.(ts|mjs)$/.test(e.name) || p === "package-lock.json") {
        hash.update(p).update("\0").update(readFileSync(p)).update("\0");
      }
    }
  };
  walk(".");
  return hash.digest("hex").slice(0, 32);
}

rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], { stdio: "inherit" });
const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  define: { __KILN_VERSION__: JSON.stringify(pkg.version), __KILN_BUILD_ID__: JSON.stringify(sourceHash()) },
  logLevel: "warning",
};
await build({
  ...common,
  entryPoints: { kiln: "bin/kiln.ts" },
  outdir: "dist",
  entryNames: "[name]",
  chunkNames: "cli/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  format: "esm",
  banner: { js: "import { createRequire as __kilnRequire } from 'node:module'; const require = __kilnRequire(import.meta.url);" },
  plugins: [startupShims],
});
chmodSync("dist/kiln.mjs", 0o755);

/**
 * The CommonJS bundle needs no `import()` at run time: a dynamic import of a Node builtin becomes
 * a lazily required module (an `import()` inside a vm.Script needs a callback that Node 20 loses
 * when the script comes from a code cache), and `import.meta.url` is the bundle's own URL (the
 * sandbox helper is found beside it; lint workers start on it, see bin/bundle.ts).
 */
const commonJsBuiltins = {
  name: "kiln-cjs-builtins",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => (args.kind === "dynamic-import" ? { path: args.path, namespace: "kiln-builtin" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "kiln-builtin" }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: "js" }));
  },
};
await build({
  ...common,
  entryPoints: ["bin/bundle.ts"],
  outfile: "dist/kiln.cjs",
  format: "cjs",
  charset: "ascii", // scripts/kiln-boot.cjs reads it as latin1
  define: { ...common.define, "import.meta.url": "__kilnBundleUrl" },
  banner: { js: "const __kilnBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [startupShims, commonJsBuiltins],
});
if (/\bimport\(/.test(readFileSync("dist/kiln.cjs", "latin1").replace(/"[^"\n]*import\([^"\n]*"/g, ""))) {
  throw new Error("build: dist/kiln.cjs still has an import(), which fails under a code cache (see commonJsBuiltins)");
}
// The loader, told which bundle it belongs to: its caches are named after this hash.
const bundleId = createHash("sha256").update(readFileSync("dist/kiln.cjs")).digest("hex").slice(0, 16);
writeFileSync("dist/kiln-boot.cjs", readFileSync("scripts/kiln-boot.cjs", "utf8").replace(`"__KILN_BUNDLE_ID__"`, JSON.stringify(bundleId)));

// The `kiln` launcher. Node 20 parses every certificate named by NODE_EXTRA_CA_CERTS before any
// JavaScript runs (about 50 ms for a system bundle, more than kiln's whole start-up), yet only
// registry access needs extra CAs. The launcher hands the setting over as KILN_EXTRA_CA_CERTS,
// which the registry client loads when it opens a TLS connection. It runs `readlink -f` (a
// fork and exec) only when invoked through a symlink, as npm's bin link is. It runs the
// code-cached CLI, dist/kiln-boot.cjs, with the V8 flag that checksums code caches (cheaper here
// than set at run time, see scripts/kiln-boot.cjs); but `kiln --version`, `--help` and a bare
// `kiln` run the ES module bundle, whose entry holds only yargs and the command list: a code
// cache of the whole CLI's top level costs them more to read (~7 ms) than it saves.
// --no-flush-bytecode: a command's cache is written at the end of its first run, and V8 drops
// the bytecode of functions unused over a few full GCs; a long first run (a 500 MB push) then
// wrote a cache without the start-up code (506 KB instead of 767 KB), and every later run of
// that command compiled it again (a cached pull: ~50 ms more).
writeFileSync(
  "dist/kiln",
  `#!/bin/sh
if [ -n "\${NODE_EXTRA_CA_CERTS:-}" ]; then
  KILN_EXTRA_CA_CERTS=\${KILN_EXTRA_CA_CERTS:-$NODE_EXTRA_CA_CERTS}
  export KILN_EXTRA_CA_CERTS
  unset NODE_EXTRA_CA_CERTS
fi
case $0 in */*) self=$0 ;; *) self=./$0 ;; esac
if [ -L "$self" ]; then self=$(readlink -f "$self"); fi
case \${KILN_CODE_CACHE:-}/\${1:-} in
  off/* | 0/* | */--version | */--help | */-h | */) exec node "\${self%/*}/kiln.mjs" "$@" ;;
esac
exec node --no-flush-bytecode --verify-snapshot-checksum "\${self%/*}/kiln-boot.cjs" "$@"
`,
);
chmodSync("dist/kiln", 0o755);

// The native parts (dist/kiln-sandbox, the runtime's helper; dist/kiln-deflate.node, gzip with
// libdeflate), also built by npm's postinstall: scripts/build-helper.mjs.
buildHelper();

