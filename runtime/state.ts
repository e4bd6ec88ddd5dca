/**
 * Runtime state: every sandbox run gets a directory `<state>/run/<id>/` holding its overlay upper
 * and work dirs (or its copied rootfs), the files the sandbox provides (hosts, resolv.conf,
 * hostname) and `owner`: the pid and start time of the kiln process that made it. Mounts live
 * only in the sandbox's mount namespace, so a kiln killed with SIGKILL leaves no mount behind,
 * only such a directory; `cleanupStale` (run by every Runtime on start) removes those whose owner
 * is gone, after killing a helper that might still run (and deleting a runc/crun container).
 */
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { childProcess } from "../util/lazy-builtins.js";

/** A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or undefined when it is gone. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces and parentheses: fields after the last ")"
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return rest[19];
  } catch {
    return undefined;
  }
}

function ownerLine(pid: number): string {
  return `${pid} ${processStartTime(pid) ?? "?"}\n`;
}

function alive(line: string): boolean {
  const [pid, start] = line.trim().split(" ");
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return false;
  const now = processStartTime(n);
  return now !== undefined && now === start;
}

export interface RunDir {
  readonly id: string;
  readonly path: string;
  /** Records the helper's pid so a later cleanup can kill it if it outlived us. */
  setHelperPid(pid: number): void;
  /** Removes the directory (nothing is mounted on the host, so this is a plain delete). */
  remove(): void;
}

export function runRoot(stateDir: string): string {
  return join(stateDir, "run");
}

/** A fresh run directory owned by this process. */
export function createRunDir(stateDir: string): RunDir {
  const root = runRoot(stateDir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const path = mkdtempSync(join(root, "r"));
  writeFileSync(join(path, "owner"), ownerLine(process.pid));
  const id = path.slice(root.length + 1);
  return {
    id,
    path,
    setHelperPid(pid: number) {
      try {
        writeFileSync(join(path, "helper"), ownerLine(pid));
      } catch {
        // the run dir is gone already
      }
    },
    remove() {
      removeRunTree(path);
    },
  };
}

/** Removes run directories whose owning kiln is gone (killing a surviving helper first). Returns the ids removed. */
export function cleanupStale(stateDir: string): string[] {
  const root = runRoot(stateDir);
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = join(root, name);
    let owner = "";
    try {
      owner = readFileSync(join(dir, "owner"), "utf8");
    } catch {
      // no owner file: a directory being created right now, or a crash before the write; judge by age below
    }
    if (owner !== "" && alive(owner)) continue;
    if (owner === "") {
      try {
        // mkdtemp and the owner write happen back to back: only a minute-old dir without one is a leftover
        if (Date.now() - statSync(dir).mtimeMs < 60_000) continue;
      } catch {
        continue;
      }
    }
    try {
      const helper = readFileSync(join(dir, "helper"), "utf8");
      if (alive(helper)) process.kill(Number(helper.split(" ")[0]), "SIGKILL");
    } catch {
      // no helper recorded, or it is gone
    }
    deleteOciContainer(dir);
    removeRunTree(dir);
    removed.push(name);
  }
  return removed;
}

/**
 * Deletes a run directory. overlayfs leaves its `work/work` with mode 000: root reads it anyway,
 * but a rootless kiln (the owner) must give its directories back their permissions first.
 */
export function removeRunTree(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EACCES") throw err;
    openDirs(path);
    rmSync(path, { recursive: true, force: true, maxRetries: 3 });
  }
}

function openDirs(dir: string): void {
  try {
    if (!lstatSync(dir).isDirectory()) return;
    chmodSync(dir, 0o700);
    for (const name of readdirSync(dir)) openDirs(`${dir}/${name}`);
  } catch {
    // not ours, or gone: rmSync reports what still cannot be removed
  }
}

/** A run under runc/crun (oci.ts) whose kiln died may leave a container: the runtime deletes it (and its processes). */
function deleteOciContainer(dir: string): void {
  let record: { runtime?: unknown; root?: unknown; id?: unknown };
  try {
    record = JSON.parse(readFileSync(join(dir, "oci"), "utf8")) as typeof record;
  } catch {
    return;
  }
  if (typeof record.runtime !== "string" || typeof record.root !== "string" || typeof record.id !== "string") return;
  childProcess().spawnSync(record.runtime, ["--root", record.root, "delete", "--force", record.id], { stdio: "ignore" });
}
