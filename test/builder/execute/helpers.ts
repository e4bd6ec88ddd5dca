/**
 * Helpers for the end-to-end build tests: a temp KILN_ROOT per test file holding the offline
 * busybox base (fixtures/images/make-busybox-rootfs.sh + `kiln import`) as
 * kiln.local/busybox:latest, context directories from a table, and `kiln` runs against that root.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { kiln, repoRoot, type RunResult } from "../../bin/helpers.js";

export { cannotRun, rootTest } from "../../runtime/helpers.js";

export const BASE = "kiln.local/busybox:latest";

export interface BuildRoot {
  readonly root: string;
  readonly dir: string;
  kiln(args: readonly string[], options?: { cwd?: string; input?: string; env?: Record<string, string | undefined> }): RunResult;
  /** A context directory made of `files` (path → content, or [content, mode]). */
  context(files: Record<string, string | [string, number]>): string;
  cleanup(): void;
}

export function makeRoot(): BuildRoot {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "kiln-build-")));
  const root = join(dir, "root");
  const tar = join(dir, "busybox.tar");
  execFileSync("sh", [join(repoRoot, "fixtures/images/make-busybox-rootfs.sh"), tar], { stdio: "ignore" });
  let n = 0;
  const self: BuildRoot = {
    root,
    dir,
    kiln: (args, options = {}) =>
      kiln(args, { ...options, env: { KILN_ROOT: root, SOURCE_DATE_EPOCH: undefined, KILN_BUILD_LINT: "0", ...options.env } }),
    context(files) {
      const ctx = join(dir, `ctx-${n++}`);
      mkdirSync(ctx, { recursive: true });
      for (const [path, value] of Object.entries(files)) {
        const full = join(ctx, path);
        mkdirSync(dirname(full), { recursive: true });
        const [content, mode] = typeof value === "string" ? [value, 0o644] : value;
        writeFileSync(full, content, { mode });
      }
      return ctx;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  const r = self.kiln(["import", tar, BASE, "-c", 'CMD ["sh"]']);
  if (r.status !== 0) throw new Error(`kiln import failed: ${r.stderr}`);
  return self;
}

/** Builds `ctx` (plain progress); throws with the output when the build fails. */
export function buildOk(r: BuildRoot, args: readonly string[], ctx: string, env: Record<string, string | undefined> = {}): RunResult {
  const res = r.kiln(["build", "--progress", "plain", ...args, ctx], { env });
  if (res.status !== 0) throw new Error(`kiln build failed (${res.status}):\n${res.stderr}`);
  return res;
}

/** Runs a command in an image and returns its stdout (throws on failure). */
export function runIn(r: BuildRoot, image: string, ...cmd: string[]): string {
  const res = r.kiln(["run", "--rm", image, ...cmd]);
  if (res.status !== 0) throw new Error(`kiln run ${image} ${cmd.join(" ")} failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}

/** The image's config JSON (`kiln inspect`'s Docker shape). */
export function inspect(r: BuildRoot, image: string): { Id: string; Config: Record<string, unknown>; RootFS: { Layers: string[] } } {
  const res = r.kiln(["inspect", image]);
  if (res.status !== 0) throw new Error(`kiln inspect failed: ${res.stderr}`);
  return (JSON.parse(res.stdout) as never[])[0]!;
}

/** `#N CACHED` lines of a plain build output, as the step texts that were cached. */
export function cachedSteps(output: string): string[] {
  const titles = new Map<string, string>();
  const out: string[] = [];
  for (const line of output.split("\n")) {
    const m = /^#(\d+) \[[^\]]+\] (.*)$/.exec(line);
    if (m) titles.set(m[1]!, m[2]!);
    const c = /^#(\d+) CACHED$/.exec(line);
    if (c) out.push(titles.get(c[1]!) ?? c[1]!);
  }
  return out;
}
