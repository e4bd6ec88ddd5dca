/**
 * Finds the `.dockerignore` that applies to a Dockerfile. Matching is parser/dockerignore.ts's
 * `IgnoreMatcher` (Docker's pattern semantics), shared with the builder.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * The ignore file BuildKit would use for a Dockerfile whose context is its directory:
 * `<name>.dockerignore` beside it, else `.dockerignore`. Null when there is none.
 */
export function readDockerignoreFor(dockerfilePath: string): string | null {
  const dir = dirname(dockerfilePath);
  for (const candidate of [join(dir, `${basename(dockerfilePath)}.dockerignore`), join(dir, ".dockerignore")]) {
    if (existsSync(candidate)) {
      try {
        return readFileSync(candidate, "utf8");
      } catch {
        return null;
      }
    }
  }
  return null;
}
