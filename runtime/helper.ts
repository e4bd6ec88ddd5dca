/**
 * The native helper `kiln-sandbox` (runtime/helper/kiln-sandbox.c, compiled by `npm run build`
 * into dist/): namespaces and mounts for the sandbox, plus the few file operations Node.js has
 * no API for (extended attributes, device nodes).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KilnError } from "../util/errors.js";
import { childProcess } from "../util/lazy-builtins.js";

let cached: string | undefined;

/**
 * The helper's path: `$KILN_SANDBOX_HELPER`, else `kiln-sandbox` in this module's directory or
 * the nearest parent holding one (dist/ for both the bundled CLI and dist/lib). Throws KilnError
 * `sandbox-helper-missing` when there is none.
 */
export function helperPath(): string {
  const fromEnv = process.env.KILN_SANDBOX_HELPER;
  if (fromEnv) return fromEnv;
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "kiln-sandbox");
    if (existsSync(candidate)) return (cached = candidate);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new KilnError(
    "sandbox-helper-missing",
    "the sandbox helper kiln-sandbox was not built: install a C compiler (cc) and run `npm run build`, or set KILN_SANDBOX_HELPER",
    { exitCode: 125 },
  );
}

function runHelper(args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = childProcess().execFile(helperPath(), args, { encoding: "buffer", maxBuffer: 1 << 30 }, (err, stdout, stderr) => {
      if (err) reject(new KilnError("helper-failed", `kiln-sandbox ${args[0]}: ${stderr.toString().trim() || err.message}`));
      else resolve(stdout);
    });
    if (input) child.stdin!.end(input);
  });
}

/** Extended attributes by path relative to the walked directory ("" is the directory itself). */
export type XattrMap = Map<string, Map<string, Buffer>>;

/** Every extended attribute below `dir` (links not followed), in one helper call. */
export async function readXattrs(dir: string): Promise<XattrMap> {
  const out: XattrMap = new Map();
  const data = await runHelper(["xattrs", dir]);
  let current: Map<string, Buffer> | undefined;
  let start = 0;
  const fields: string[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] !== 0) continue;
    fields.push(data.toString("utf8", start, i));
    start = i + 1;
  }
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f.startsWith("P")) {
      current = new Map();
      out.set(f.slice(1), current);
    } else if (f.startsWith("X") && current) {
      current.set(f.slice(1), Buffer.from(fields[++i] ?? "", "hex"));
    }
  }
  return out;
}

/** Sets extended attributes (on links themselves), in one helper call. */
export async function setXattrs(records: readonly { path: string; name: string; value: Buffer }[]): Promise<void> {
  if (records.length === 0) return;
  const parts: Buffer[] = [];
  for (const r of records) parts.push(Buffer.from(`${r.path}\0${r.name}\0${r.value.toString("hex")}\0`));
  await runHelper(["xattr-set"], Buffer.concat(parts));
}

/** Creates a device node or fifo (Node.js has no mknod). */
export async function mknod(path: string, type: "char" | "block" | "fifo", major: number, minor: number, mode: number): Promise<void> {
  const t = type === "char" ? "c" : type === "block" ? "b" : "p";
  await runHelper(["mknod", path, t, String(major), String(minor), (mode & 0o7777).toString(8)]);
}

export interface NodeRecord {
  readonly path: string;
  readonly type: "char" | "block" | "fifo";
  readonly major: number;
  readonly minor: number;
  readonly mode: number;
}

/** Creates many device nodes / fifos (e.g. overlay whiteouts, char 0/0) in one helper call. */
export async function mknods(records: readonly NodeRecord[]): Promise<void> {
  if (records.length === 0) return;
  const parts = records.map((r) => `${r.path}\0${r.type === "char" ? "c" : r.type === "block" ? "b" : "p"}\0${r.major}\0${r.minor}\0${(r.mode & 0o7777).toString(8)}\0`);
  await runHelper(["mknods"], Buffer.from(parts.join("")));
}

/** Spawns the helper's `run` command (the sandbox); see sandbox.ts. */
export function spawnHelper(args: string[], stdio: ("ignore" | "inherit" | "pipe")[], command: "run" | "oci" = "run") {
  return childProcess().spawn(helperPath(), [command, ...args], { stdio });
}
