/**
 * The CLI bundle's shape: what `kiln --version` loads must not include the parser (or any other
 * library code a command needs): commands reach it through `await import()` chunks; and a build
 * reaches the parser only when its Dockerfile is not in the parse cache.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { kilnBin, kilnLauncher } from "./helpers.js";

/** dist/kiln.mjs plus every file it imports statically, transitively. */
function staticClosure(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    const text = readFileSync(file, "utf8");
    files.set(file, text);
    for (const m of text.matchAll(/^\s*(?:import|export)\s*(?:[^'"();]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+)["']/gm)) {
      queue.push(resolve(dirname(file), m[1]!));
    }
  }
  return files;
}

test("the start-up path does not contain the parser or chevrotain", () => {
  const closure = staticClosure(kilnBin);
  assert.ok(closure.size >= 1);
  for (const [file, text] of closure) {
    assert.not.match(text, /^\/\/ parser\//m, `${file} bundles parser/ code`);
    assert.not.match(text, /node_modules\/chevrotain\//, `${file} bundles chevrotain`);
  }
});

test("the parse command's library code is a lazily imported chunk", () => {
  const entry = readFileSync(kilnBin, "utf8");
  const lazy = [...entry.matchAll(/import\(\s*["'](\.\/cli\/[^"']+)["']\s*\)/g)].map((m) => m[1]!);
  assert.ok(lazy.length > 0, "no dynamic import() of a ./cli/ chunk in dist/kiln.mjs");
  // A lazy chunk may share the parser with other commands through a common chunk it imports.
  const chunks = lazy.flatMap((p) => [...staticClosure(join(dirname(kilnBin), p)).values()]).join("\n");
  assert.match(chunks, /^\/\/ parser\/parse\.ts$/m);
});

test("the builder's chunk loads the parser only through import(): a cached Dockerfile skips it", () => {
  const cli = join(dirname(kilnBin), "cli");
  const executor = readdirSync(cli).map((f) => join(cli, f)).filter((f) => /^\/\/ builder\/executor\/index\.ts$/m.test(readFileSync(f, "utf8")));
  assert.is(executor.length, 1, "no single chunk holds builder/executor/index.ts");
  for (const [file, text] of staticClosure(executor[0]!)) {
    assert.not.match(text, /^\/\/ parser\/(parse|grammar)\.ts$/m, `${file} bundles the parser`);
    assert.not.match(text, /node_modules\/chevrotain\//, `${file} bundles chevrotain`);
  }
});

/** The Node builtins `kiln lint <args>` loads, through the launcher (the bundle, code cache on). */
function builtinsOfLint(args: readonly string[]): Set<string> {
  const dir = mkdtempSync(join(tmpdir(), "kiln-lint-builtins-"));
  try {
    writeFileSync(join(dir, "Dockerfile"), "FROM busybox:1.36\nRUN apt-get install curl\n");
    // A preload that lists the builtins when the process exits (the launcher passes NODE_OPTIONS on).
    writeFileSync(join(dir, "list.cjs"), `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(join(dir, "loaded"))}, process.moduleLoadList.join("\\n")));`);
    const r = spawnSync(kilnLauncher, ["lint", ...args, "Dockerfile"], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: `--require ${join(dir, "list.cjs")}` } });
    assert.is(r.status, 1, r.stderr); // the file has findings
    const loaded = readFileSync(join(dir, "loaded"), "utf8").split("\n");
    return new Set(loaded.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice("NativeModule ".length)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("kiln lint of one file loads no crypto, child_process or worker_threads (start-up for editors)", () => {
  const loaded = builtinsOfLint([]);
  assert.ok(loaded.has("fs"), "the preload saw no builtins");
  for (const m of ["crypto", "child_process", "worker_threads"]) assert.not.ok(loaded.has(m), `kiln lint loaded node:${m}`);
  // the formats that need one still load it
  assert.ok(builtinsOfLint(["--format", "gitlab"]).has("crypto"), "--format gitlab did not hash");
});

test.run();
