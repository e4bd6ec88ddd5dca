/**
 * The data flow runs one way (docs/architecture.md): each top-level folder may import only the
 * folders listed here. `parser/` imports nothing of the others; `image/` knows nothing of
 * Dockerfiles.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { repoRoot } from "../helpers/paths.js";

const ALLOWED: Record<string, readonly string[]> = {
  util: [],
  parser: ["util"],
  image: ["util"],
  linter: ["parser", "util"],
  cache: ["image", "util"],
  runtime: ["image", "cache", "util"],
  registry: ["image", "cache", "util"],
  builder: ["parser", "image", "cache", "runtime", "registry", "util"],
  bin: ["parser", "linter", "builder", "cache", "runtime", "image", "registry", "util"],
  bench: ["parser", "linter", "builder", "cache", "runtime", "image", "registry", "util"],
};

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

for (const [folder, allowed] of Object.entries(ALLOWED)) {
  test(`${folder}/ imports only ${allowed.join(", ") || "node and npm packages"}`, () => {
    let dir: string;
    try {
      dir = join(repoRoot, folder);
      statSync(dir);
    } catch {
      return; // folder not created yet
    }
    for (const file of sources(dir)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
        const target = relative(repoRoot, resolve(dirname(file), m[1]!));
        const top = target.split(/[\\/]/)[0]!;
        if (top === folder || top === "package.json") continue;
        assert.ok(allowed.includes(top), `${relative(repoRoot, file)} imports ${m[1]} (${top}/), which ${folder}/ may not use`);
      }
    }
  });
}

test.run();
