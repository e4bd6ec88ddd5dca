/**
 * RUN: a writable rootfs on the parent's snapshot chain, the step's mounts, the process in the
 * sandbox, then the diff as a layer (none for an empty diff).
 *
 * Mounts (all provided as bind mounts from the run directory or the store, so nothing is ever
 * mounted on the host and the mount points the sandbox creates stay out of the layer):
 * - `bind`: a context path (read-only; `rw` gets a throw-away copy), or a path of a stage/image
 *   rootfs (copied out of its snapshot into the run dir);
 * - `cache`: `$KILN_ROOT/cache/mounts/<sha256 of id>/`, created with mode/uid/gid; `locked`
 *   holds a file lock for the step; `private` gets a throw-away dir when the cache is in use by
 *   another step of this build; `from=` seeds a new cache dir;
 * - `tmpfs`: an empty directory of the run dir (discarded);
 * - `secret`: the secret written to a 0700 run dir file with its mode/owner, bind-mounted
 *   read-only; `env=` puts it in the process environment only. Secrets never reach the cache
 *   key, the history or a layer;
 * - `ssh`: not supported (an error when required).
 */
import { execFile } from "node:child_process";
import { chmodSync, chownSync, copyFileSync, existsSync, lchownSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Writable } from "node:stream";
import type { TarOptions } from "../../image/tar.js";
import { resolveInRoot } from "../../runtime/resolve.js";
import { createRunDir } from "../../runtime/state.js";
import { runSandbox, type BindMount, type SandboxResult } from "../../runtime/sandbox.js";
import { changesToTar, type Chain, type Snapshotter } from "../../runtime/snapshots.js";
import { KilnError } from "../../util/errors.js";
import type { RunEffect, RunMount } from "../effects.js";
import type { LayerRef } from "./cache.js";
import type { ExecEnv } from "./env.js";
import { putLayer } from "./layers.js";
import { resolveInView, type RootView } from "./view.js";
import { markBroadRun } from "../../util/code-cache.js";

/** What a RUN reads besides its parent: source stage keys, and a digest of context bind mounts. */
/** Copies a subtree of a view into a host directory (owners, modes and times kept). */
function materialize(view: RootView, path: string, dest: string): void {
  const resolved = resolveInView(view, path, true);
  const e = view.lstat(resolved);
  if (!e) throw new KilnError("mount-source", `mount source ${path} not found`);
  const copy = (rel: string, host: string, st: import("node:fs").Stats, to: string) => {
    if (st.isDirectory()) {
      mkdirSync(to, { recursive: true });
      for (const name of view.readdir(rel)) {
        const child = rel === "" ? name : `${rel}/${name}`;
        const ce = view.lstat(child);
        if (ce) copy(child, ce.host, ce.st, join(to, name));
      }
    } else if (st.isSymbolicLink()) {
      symlinkSync(readlinkSync(host), to);
    } else if (st.isFile()) {
      copyFileSync(host, to);
    } else return;
    if (!st.isSymbolicLink()) {
      chmodSync(to, st.mode & 0o7777);
      try {
        chownSync(to, st.uid, st.gid);
        utimesSync(to, st.atime, st.mtime);
      } catch {
        // not root: keep ours
      }
    } else {
      try {
        lchownSync(to, st.uid, st.gid);
      } catch {
        // not root
      }
    }
  };
  copy(resolved, e.host, e.st, dest);
}

function copyTreeTo(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("cp", ["-a", "--reflink=auto", from, to], (err, _o, stderr) => (err ? reject(new KilnError("copy-failed", stderr.trim() || err.message)) : resolve()));
  });
}

const inUse = new Set<string>();

export interface RunOutcome {
  readonly result: SandboxResult;
  readonly layer: LayerRef | null;
}

export async function executeRun(effect: RunEffect, env: ExecEnv, snap: Snapshotter, chain: Chain, out: Writable, tar: TarOptions, what: string): Promise<RunOutcome> {
  markBroadRun();
  const dir = createRunDir(env.snapshotsDir);
  const releases: (() => Promise<void> | void)[] = [];
  try {
    const active = await snap.activate(chain, dir.path);
    const mounts: BindMount[] = [];
    const procEnv = [...effect.env];
    let n = 0;
    for (const f of effect.files) {
      const host = join(dir.path, `file-${n++}`);
      writeFileSync(host, f.content, { mode: f.mode });
      chmodSync(host, f.mode);
      mounts.push({ source: host, target: f.path, readonly: true });
    }
    for (const m of effect.mounts) await provideMount(m, env, dir.path, n++, mounts, procEnv, releases);
    const network = effect.network === "default" ? env.defaultNetwork : effect.network;
    const result = await runSandbox({
      rootfs: active.spec,
      args: effect.argv,
      env: procEnv,
      cwd: effect.workdir,
      user: effect.user,
      network,
      mounts,
      runDir: dir.path,
      stdin: "ignore",
      stdout: out,
      stderr: out,
      ...(env.signal ? { signal: env.signal } : {}),
    });
    if (result.exitCode !== 0) return { result, layer: null };
    const changes = await active.changes(result.created);
    if (changes.length === 0) return { result, layer: null };
    const layer = await putLayer(env.store, changesToTar(changes, active.changedRoot, tar), what);
    return { result, layer };
  } finally {
    for (const r of releases.reverse()) await r();
    dir.remove();
  }
}

async function provideMount(
  m: RunMount, env: ExecEnv, runDir: string, n: number, mounts: BindMount[], procEnv: string[], releases: (() => Promise<void> | void)[],
): Promise<void> {
  switch (m.type) {
    case "bind": {
      if (m.from.kind === "context") {
        const host = resolveInRoot(env.contextDir, m.source, { followLast: true });
        if (!existsSync(host)) throw new KilnError("mount-source", `bind mount source ${m.source} not found in the build context`);
        if (m.readonly) mounts.push({ source: host, target: m.target, readonly: true });
        else {
          const copy = join(runDir, `bind-${n}`);
          await copyTreeTo(host, copy);
          mounts.push({ source: copy, target: m.target, readonly: false });
        }
      } else if (m.from.kind === "scratch") {
        throw new KilnError("mount-source", "cannot bind mount from scratch");
      } else {
        const copy = join(runDir, `bind-${n}`);
        materialize(await env.sourceView(m.from), m.source, copy);
        mounts.push({ source: copy, target: m.target, readonly: m.readonly });
      }
      return;
    }
    case "cache": {
      let host = env.stepCache.mountDir(m.id);
      if (!existsSync(host)) {
        const temp = `${host}.new-${process.pid}-${n}`;
        if (m.from && m.from.kind !== "context" && m.from.kind !== "scratch") materialize(await env.sourceView(m.from), m.source, temp);
        else mkdirSync(temp, { recursive: true });
        chmodSync(temp, m.mode);
        try {
          chownSync(temp, m.uid, m.gid);
        } catch {
          // not root
        }
        try {
          renameSync(temp, host);
        } catch {
          rmSync(temp, { recursive: true, force: true }); // another build made it first
        }
      }
      if (m.sharing === "private" && inUse.has(host)) {
        host = join(runDir, `cache-${n}`);
        mkdirSync(host);
        chmodSync(host, m.mode);
        try {
          chownSync(host, m.uid, m.gid);
        } catch {
          // not root
        }
      } else if (m.sharing === "locked") {
        const { acquireLock } = await import("../../cache/lock.js");
        const lock = await acquireLock(`${host}.lock`, { timeoutMs: 24 * 3600_000, purpose: `cache mount ${m.id}` });
        releases.push(() => lock.release());
      }
      inUse.add(host);
      const h = host;
      releases.push(() => void inUse.delete(h));
      mounts.push({ source: host, target: m.target, readonly: m.readonly });
      return;
    }
    case "tmpfs": {
      const host = join(runDir, `tmpfs-${n}`);
      mkdirSync(host, { mode: 0o1777 });
      chmodSync(host, 0o1777);
      mounts.push({ source: host, target: m.target });
      return;
    }
    case "secret": {
      const src = env.secrets.get(m.id);
      let value: Buffer | undefined;
      if (src?.src !== undefined) value = readFileSync(src.src);
      else if (src?.env !== undefined) {
        const v = env.hostEnv[src.env];
        if (v !== undefined) value = Buffer.from(v);
      }
      if (value === undefined) {
        if (m.required) throw new KilnError("secret-missing", `secret ${m.id} not found: pass --secret id=${m.id},src=FILE (or env=VAR)`);
        return;
      }
      if (m.target !== null) {
        const host = join(runDir, `secret-${n}`);
        writeFileSync(host, value, { mode: 0o600 });
        chmodSync(host, m.mode);
        try {
          chownSync(host, m.uid, m.gid);
        } catch {
          // not root
        }
        mounts.push({ source: host, target: m.target, readonly: true });
      }
      if (m.env !== null) procEnv.push(`${m.env}=${value.toString("utf8")}`);
      return;
    }
    case "ssh":
      if (m.required) throw new KilnError("ssh-unsupported", "RUN --mount=type=ssh is not supported by kiln yet");
      return;
  }
}
