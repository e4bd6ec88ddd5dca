/**
 * Finds the `.dockerignore` that applies to a Dockerfile. Matching is parser/dockerignore.ts's
 * `IgnoreMatcher` (Docker's pattern semantics), shared with the builder.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/**
 * The ignore file BuildKit would use for a Dockerfile whose context is its directory:
 * `<name>.dockerignore` beside it, else `.dockerignore`. Null when there is none.
 */
export function readDockerignoreFor(dockerfilePath: string): string | null {
  const dir = dirname(dockerfilePath);
  for (const candidate of [join(dir, `${basename(dockerfilePath)}.dockerignore`), join(dir, ".dockerignore")]) {
    if (existsSync(candidate)) return readOrNull(candidate);
  }
  return null;
}

/**
 * `readDockerignoreFor` for many Dockerfiles in few directories (`kiln lint *.Dockerfile`): each
 * directory is listed and its `.dockerignore` read once, instead of two stats and a read per file.
 */
export class DockerignoreCache {
  private readonly dirs = new Map<string, { entries: ReadonlySet<string>; shared: string | null | undefined }>();

  for(dockerfilePath: string): string | null {
    const dir = dirname(dockerfilePath);
    let d = this.dirs.get(dir);
    if (!d) {
      let entries: ReadonlySet<string>;
      try {
        entries = new Set(readdirSync(dir));
      } catch {
        return readDockerignoreFor(dockerfilePath);
      }
      this.dirs.set(dir, (d = { entries, shared: undefined }));
    }
    const own = `${basename(dockerfilePath)}.dockerignore`;
    if (d.entries.has(own) && existsSync(join(dir, own))) return readOrNull(join(dir, own));
    if (!d.entries.has(".dockerignore")) return null;
    if (d.shared === undefined) d.shared = readOrNull(join(dir, ".dockerignore"));
    return d.shared;
  }
}
