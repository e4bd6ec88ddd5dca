/** Runs the CLI through its launcher (dist/kiln → dist/kiln.mjs) as a child process, the way users run it. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root, from dist/lib/test/bin/helpers.js. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const kilnBin = fileURLToPath(new URL("../../../kiln.mjs", import.meta.url));
export const kilnLauncher = fileURLToPath(new URL("../../../kiln", import.meta.url));

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function kiln(
  args: readonly string[],
  options: { cwd?: string; input?: string; env?: Record<string, string | undefined> } = {},
): RunResult {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...options.env };
  delete env["FORCE_COLOR"];
  delete env["KILN_DEBUG"];
  for (const [k, v] of Object.entries(options.env ?? {})) if (v === undefined) delete env[k];
  else env[k] = v;
  const result = spawnSync(kilnLauncher, [...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input ?? "",
    env,
    encoding: "utf8",
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
