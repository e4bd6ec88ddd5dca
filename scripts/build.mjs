// Build: type-check and emit the library and tests with tsc, then bundle the CLI with esbuild
// into one ESM file so `kiln` starts without resolving hundreds of modules.
import { execFileSync } from "node:child_process";
import { build } from "esbuild";
import { rmSync, chmodSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"], { stdio: "inherit" });
await build({
  entryPoints: ["bin/kiln.ts"],
  outfile: "dist/kiln.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  splitting: false,
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __kilnRequire } from 'node:module'; const require = __kilnRequire(import.meta.url);" },
  logLevel: "warning",
});
chmodSync("dist/kiln.mjs", 0o755);
