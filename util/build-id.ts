/**
 * The identity of this kiln build, for caches of derived data (a parsed Dockerfile, lint
 * findings) that stay valid only as long as the code that made them. scripts/build.mjs injects a
 * hash of every source file and the lockfile into the CLI bundle; unbundled code (dist/lib, the
 * library API and unit tests) has none, so those caches are not used there.
 */
declare const __KILN_BUILD_ID__: string | undefined;

export function buildId(): string | undefined {
  return typeof __KILN_BUILD_ID__ === "string" ? __KILN_BUILD_ID__ : undefined;
}
