/** kiln's version: injected by esbuild into the bundle, read from package.json otherwise. */
import { readFileSync } from "node:fs";

declare const __KILN_VERSION__: string | undefined;

export function version(): string {
  if (typeof __KILN_VERSION__ === "string") return __KILN_VERSION__;
  try {
    // dist/lib/bin/version.js -> package.json at the repository root.
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "0.0.0-dev";
  } catch {
    return "0.0.0-dev";
  }
}
