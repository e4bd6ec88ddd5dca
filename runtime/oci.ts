/**
 * `--runtime runc|crun`: the process runs under an OCI runtime instead of kiln's own sandbox,
 * through a generated bundle (`<run dir>/bundle/config.json`). Root only.
 *
 * The helper (`kiln-sandbox oci`) mounts the rootfs in a private mount namespace, creates the
 * mount points and the working directory and resolves the user inside the root exactly as
 * `kiln-sandbox run` does (so `created` and the diff rules are the same), reports them, and once
 * kiln has written config.json, execs the runtime in that namespace: nothing is mounted on the
 * host. The runtime's state lives in the run dir (`oci-state/`) and `oci` names it, so a later
 * `cleanupStale` can `delete --force` a container whose kiln died (state.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { spawnSync } from "node:child_process";
import { accessSync, constants as fsConstants } from "node:fs";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { KilnError } from "../util/errors.js";
import { spawnHelper } from "./helper.js";
import { DEFAULT_PATH, type SandboxResult, type SandboxSpec } from "./sandbox.js";

export type OciRuntime = "runc" | "crun";

/** Docker's default capabilities for a container's process. */
export const DOCKER_DEFAULT_CAPS = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
];

/** The runtime's executable from PATH, or a typed error. */
export function findRuntime(name: OciRuntime): string {
  for (const dir of (process.env.PATH || DEFAULT_PATH).split(delimiter)) {
    const p = join(dir || ".", name);
    try {
      accessSync(p, fsConstants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  throw new KilnError("runtime-not-found", `--runtime ${name}: ${name} is not installed (not found in PATH)`, { exitCode: 125 });
}

interface Prepared {
  created: string[];
  targets: Map<string, string>;
  user?: { uid: number; gid: number; groups: number[]; home: string };
  error?: { kind: string; message: string };
  ready: boolean;
}

/** Runs `spec` under `runtime`; `helperArgs` are sandbox.ts's options for the helper. */
export async function runOci(spec: SandboxSpec, runtime: OciRuntime, helperArgs: string[]): Promise<SandboxResult> {
  if (process.getuid?.() !== 0) throw new KilnError("runtime-needs-root", `--runtime ${runtime} is supported only as root; without root kiln uses its own sandbox`, { exitCode: 125 });
  if (spec.tty) throw new KilnError("runtime-no-tty", `--runtime ${runtime} with -t is not supported yet; use kiln's own sandbox`, { exitCode: 125 });
  const bin = findRuntime(runtime);
  const id = `kiln-${spec.runDir.split("/").pop()!}-${process.pid}`;
  const stateRoot = join(spec.runDir, "oci-state");
  const bundle = join(spec.runDir, "bundle");
  mkdirSync(bundle, { recursive: true });
  // recorded before the runtime starts: a kiln killed from here on leaves a container to delete
  writeFileSync(join(spec.runDir, "oci"), JSON.stringify({ runtime: bin, root: stateRoot, id }));

  // stderr always passes through kiln: the runtime reports a command it cannot exec there
  const stdio: ("ignore" | "inherit" | "pipe")[] = [stdioOf(spec.stdin, "ignore"), stdioOf(spec.stdout, "inherit"), "pipe", "pipe", "pipe"];
  const child = spawnHelper([...helperArgs, "--", bin, "--root", stateRoot, "run", "--bundle", bundle, id], stdio, "oci");
  if (spec.stdin && typeof spec.stdin === "object" && child.stdin) {
    spec.stdin.pipe(child.stdin);
    child.stdin.on("error", () => {});
  }
  if (spec.stdout && typeof spec.stdout === "object" && child.stdout) child.stdout.pipe(spec.stdout as Writable, { end: false });
  let errTail = "";
  const errOut: Writable | undefined = spec.stderr === "ignore" ? undefined : spec.stderr === undefined || spec.stderr === "inherit" ? process.stderr : spec.stderr;
  child.stderr!.on("data", (c: Buffer) => {
    errTail = (errTail + c.toString("utf8")).slice(-4096);
    errOut?.write(c);
  });
  const go = child.stdio[4] as Writable;
  go.on("error", () => {});

  const prep: Prepared = { created: [], targets: new Map(), ready: false };
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  let pending = "";
  const status = child.stdio[3] as Readable;
  status.on("error", () => {});
  status.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const [word, ...rest] = line.split(" ");
      if (word === "created") prep.created.push(rest.join(" "));
      else if (word === "target") prep.targets.set(rest[0]!, rest.slice(1).join(" "));
      else if (word === "user") {
        const [uid, gid, groups, ...home] = rest;
        prep.user = { uid: Number(uid), gid: Number(gid), groups: groups === "-" ? [] : groups!.split(",").map(Number), home: home.join(" ") };
      } else if (word === "error") prep.error = { kind: rest[0] ?? "setup", message: rest.slice(1).join(" ") };
      else if (word === "ready") {
        prep.ready = true;
        onReady();
      }
    }
  });
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c, s) => resolve([c, s]));
  });
  await Promise.race([ready, closed]);
  if (!prep.ready) {
    const [code] = await closed;
    if (prep.error?.kind === "user") throw new KilnError("unknown-user", prep.error.message, { exitCode: 125 });
    throw new KilnError("sandbox-failed", `the sandbox could not start: ${prep.error?.message ?? `helper exited with ${code}`}`, { exitCode: 125 });
  }

  writeFileSync(join(bundle, "config.json"), JSON.stringify(ociConfig(spec, prep), null, 2));
  go.end(Buffer.from([1]));

  // Signals go to the container through `runtime kill`, never to the runtime's own process: a
  // runtime signalled while it is still creating the container dies half-way (runc exits 2).
  // Until the container exists `kill` fails, so it is tried again until it works or the
  // runtime is gone.
  let exited = false;
  const retries = new Set<NodeJS.Timeout>();
  const deliver = (sig: "TERM" | "KILL") => {
    if (exited) return;
    if (spawnSync(bin, ["--root", stateRoot, "kill", id, sig], { stdio: "ignore" }).status === 0) return;
    const t = setTimeout(() => {
      retries.delete(t);
      deliver(sig);
    }, 100);
    retries.add(t);
  };
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  let grace: NodeJS.Timeout | undefined;
  if (spec.timeoutMs !== undefined && spec.timeoutMs > 0) {
    timer = setTimeout(() => {
      timedOut = true;
      deliver("KILL");
    }, spec.timeoutMs);
  }
  // TERM to the container's pid 1; KILL when it is still there after the grace period
  const onAbort = () => {
    deliver("TERM");
    grace = setTimeout(() => deliver("KILL"), spec.killAfterMs ?? 2000);
  };
  if (spec.signal) {
    if (spec.signal.aborted) onAbort();
    else spec.signal.addEventListener("abort", onAbort, { once: true });
  }
  const [code, sig] = await closed;
  exited = true;
  for (const t of retries) clearTimeout(t);
  if (timer) clearTimeout(timer);
  if (grace) clearTimeout(grace);
  spec.signal?.removeEventListener("abort", onAbort);
  spawnSync(bin, ["--root", stateRoot, "delete", "--force", id], { stdio: "ignore" });

  const created = prep.created;
  if (timedOut) return { exitCode: 137, signal: 9, timedOut: true, created };
  if (sig !== null) {
    const n = constants.signals[sig] ?? 9;
    return { exitCode: 128 + n, signal: n, timedOut: false, created };
  }
  if (code === 1) {
    const execError = runtimeExecError(errTail);
    if (execError) return { exitCode: execError.exitCode, execError: execError.message, timedOut: false, created };
  }
  const exitCode = code ?? 125;
  return { exitCode, ...(exitCode > 128 && exitCode < 160 ? { signal: exitCode - 128 } : {}), timedOut: false, created };
}

function stdioOf(spec: SandboxSpec["stdin"] | SandboxSpec["stdout"], fallback: "ignore" | "inherit"): "ignore" | "inherit" | "pipe" {
  if (spec === undefined) return fallback;
  if (spec === "ignore" || spec === "inherit") return spec;
  return "pipe";
}

/** The bundle's config.json (OCI runtime spec 1.0): what kiln's own sandbox sets up, as mounts and namespaces. */
export function ociConfig(spec: SandboxSpec, prep: Prepared): object {
  const user = prep.user ?? { uid: 0, gid: 0, groups: [0], home: "/" };
  const env = [...(spec.env ?? [])];
  if (!env.some((e) => e.startsWith("PATH="))) env.push(`PATH=${DEFAULT_PATH}`);
  if (!env.some((e) => e.startsWith("HOME="))) env.push(`HOME=${user.home}`);
  const rootfs = spec.rootfs.kind === "bind" ? spec.rootfs.dir : spec.rootfs.target;
  const binds = [
    ...["/etc/hosts", "/etc/resolv.conf", "/etc/hostname"].map((dst) => ({ source: join(spec.runDir, dst.slice("/etc/".length)), dst, readonly: false })),
    ...(spec.mounts ?? []).map((m) => ({ source: m.source, dst: m.target, readonly: m.readonly ?? false })),
  ];
  const caps = DOCKER_DEFAULT_CAPS;
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: false,
      user: { uid: user.uid, gid: user.gid, additionalGids: user.groups },
      args: spec.args,
      env,
      cwd: spec.cwd && spec.cwd !== "" ? spec.cwd : "/",
      capabilities: { bounding: caps, effective: caps, permitted: caps },
      noNewPrivileges: false,
    },
    root: { path: rootfs, readonly: false },
    hostname: spec.hostname ?? "kiln",
    mounts: [
      { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
      { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
      { destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
      { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
      { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
      // only targets the helper resolved (a file target that is a directory in the image is skipped, as by `run`)
      ...binds
        .filter((b) => prep.targets.has(b.dst))
        .map((b) => ({ destination: prep.targets.get(b.dst)!, type: "bind", source: b.source, options: ["rbind", "rprivate", ...(b.readonly ? ["ro"] : [])] })),
    ],
    linux: {
      namespaces: [{ type: "pid" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }, ...((spec.network ?? "none") === "none" ? [{ type: "network" }] : [])],
      // the same as kiln-sandbox.c's (Docker's)
      maskedPaths: ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"],
      readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    },
  };
}

/**
 * runc and crun exit 1 when the command cannot be executed; Docker (and kiln's own sandbox) say
 * 127 (not found) or 126 (not executable). Read from the runtime's last words on stderr.
 */
export function runtimeExecError(stderrTail: string): { exitCode: 126 | 127; message: string } | undefined {
  const runc = /runc run failed: unable to start container process: exec: ("[^"\n]*"|[^:\n]*): ([^\n"]*)/.exec(stderrTail.replace(/\\"/g, '"'));
  if (runc) {
    const why = runc[2]!;
    return { exitCode: /permission denied|is a directory/i.test(why) ? 126 : 127, message: `exec ${runc[1]}: ${why}` };
  }
  const crunMissing = /executable file `([^`]*)` not found[^\n]*/.exec(stderrTail);
  if (crunMissing) return { exitCode: 127, message: crunMissing[0] };
  const crunDenied = /open executable: (Permission denied|Is a directory)/i.exec(stderrTail);
  if (crunDenied) return { exitCode: 126, message: crunDenied[0] };
  return undefined;
}
