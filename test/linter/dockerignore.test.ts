/**
 * Which `.dockerignore` applies to a Dockerfile: `<name>.dockerignore` beside it, else
 * `.dockerignore`; the per-directory cache `kiln lint` uses answers as the uncached lookup does.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DockerignoreCache, readDockerignoreFor } from "../../linter/dockerignore.js";

const root = mkdtempSync(join(tmpdir(), "kiln-dockerignore-"));
const shared = join(root, "shared");
const none = join(root, "none");
mkdirSync(shared);
mkdirSync(none);
writeFileSync(join(shared, ".dockerignore"), "*.env\n");
writeFileSync(join(shared, "api.Dockerfile.dockerignore"), "secrets/\n");
symlinkSync(join(shared, "missing"), join(shared, "broken.Dockerfile.dockerignore"));

const cases: ReadonlyArray<readonly [string, string | null]> = [
  [join(shared, "api.Dockerfile"), "secrets/\n"],
  [join(shared, "web.Dockerfile"), "*.env\n"],
  [join(shared, "broken.Dockerfile"), "*.env\n"], // a dangling own file does not exist
  [join(none, "Dockerfile"), null],
  [join(root, "absent", "Dockerfile"), null],
];

test("readDockerignoreFor: the Dockerfile's own ignore file first, then the directory's", () => {
  for (const [path, want] of cases) assert.is(readDockerignoreFor(path), want, path);
});

test("DockerignoreCache answers as readDockerignoreFor, asked twice", () => {
  const cache = new DockerignoreCache();
  for (let round = 0; round < 2; round++) for (const [path, want] of cases) assert.is(cache.for(path), want, path);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();
