/**
 * The sandbox: runs one process in a rootfs, in new mount, pid, uts and ipc namespaces (and a
 * net namespace for network "none"; a user namespace mapping the caller to root when kiln is
 * not root), through the native helper (runtime/helper/kiln-sandbox.c). The helper stays in the
 * host as the supervisor of the sandbox's pid 1; it dies with kiln (PR_SET_PDEATHSIG) and pid 1
 * dies with it, which ends every process in the sandbox and the mount namespace with them.
 *
 * The image's files are never changed to provide /etc/hosts, /etc/resolv.conf and
 * /etc/hostname: they are written in the run directory and bind-mounted over the image's. Mount
 * points the sandbox had to create are reported in `created`, so diffs leave them out.
 */
import { readFileSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { constants } from "node:os";
import type { Readable, Writable } from "node:stream";
import { assertNever, KilnError } from "../util/errors.js";
import { spawnHelper } from "./helper.js";

export type NetworkMode = "none" | "host";

export type RootfsSpec =
  /** A plain directory (the copy snapshotter's rootfs): bind-mounted onto itself. */
  | { readonly kind: "bind"; readonly dir: string }
  /** overlayfs of `lower` (top first) with a fresh `upper` and `work`, mounted on `target`. */
  | {
      readonly kind: "overlay";
      readonly lower: readonly string[];
      readonly upper: string;
      readonly work: string;
      readonly target: string;
      /** Relative lowerdirs are taken from here (keeps the mount options under a page). */
      readonly mountCwd?: string;
      /** Mount with `volatile`: no sync of the upper dir's filesystem when the sandbox ends (kernels before 5.10: ignored). */
      readonly volatile?: boolean;
    };

export interface BindMount {
  readonly source: string;
  /** Absolute path in the sandbox. */
  readonly target: string;
  readonly readonly?: boolean;
}

export type StdinSpec = "ignore" | "inherit" | Readable;
export type OutputSpec = "ignore" | "inherit" | Writable;

export interface SandboxSpec {
  readonly rootfs: RootfsSpec;
  /** argv; argv[0] is looked up in the PATH of `env` when it has no slash. */
  readonly args: readonly string[];
  /** `KEY=value` strings, exactly what the process gets (HOME is added from /etc/passwd when missing). */
  readonly env?: readonly string[];
  /** Working directory, created (root, 0755) when missing. Default `/`. */
  readonly cwd?: string;
  /** `name`, `uid`, `uid:gid`, `name:group`…, resolved in the rootfs's /etc/passwd and /etc/group. Default root. */
  readonly user?: string;
  readonly hostname?: string;
  readonly network?: NetworkMode;
  readonly mounts?: readonly BindMount[];
  /** The run directory (state.ts): the provided files are written here. */
  readonly runDir: string;
  readonly stdin?: StdinSpec;
  readonly stdout?: OutputSpec;
  readonly stderr?: OutputSpec;
  /**
   * Give the process a pseudo-terminal from the sandbox's own devpts (its stdin, stdout and
   * stderr, and controlling terminal). The helper relays it to `stdout` and from `stdin` (put in
   * raw mode when a terminal; window size changes follow). Without a stdin the terminal gets no
   * input, as `docker run -t` without `-i`.
   */
  readonly tty?: boolean;
  /** Kill the sandbox after this many milliseconds. */
  readonly timeoutMs?: number;
  /** Aborting asks the process to end (SIGTERM), then kills it after `killAfterMs`. */
  readonly signal?: AbortSignal;
  /** Grace period between SIGTERM/SIGINT and SIGKILL. Default 2000 ms. */
  readonly killAfterMs?: number;
  /** Use a user namespace (default: when kiln is not root). */
  readonly rootless?: boolean;
  /** Extra lines for /etc/hosts. */
  readonly extraHosts?: readonly string[];
  /**
   * Who runs the process: kiln's own sandbox (the default), or `runc`/`crun` through a generated
   * OCI bundle (root only; oci.ts).
   */
  readonly runtime?: SandboxRuntime;
}

export type SandboxRuntime = "kiln" | "runc" | "crun";

export interface SandboxResult {
  /** The command's exit status, 128+N when signal N ended it (as shells and Docker report). */
  readonly exitCode: number;
  /** The signal that ended the command, when one did. */
  readonly signal?: number;
  readonly timedOut: boolean;
  /** Set when the command could not be executed (exit 126) or found (127). */
  readonly execError?: string;
  /** Mount points the sandbox created in the rootfs (absolute in-root paths): never part of a layer. */
  readonly created: readonly string[];
  /** Host pid of the sandbox's pid 1. */
  readonly pid?: number;
}

/** The PATH Docker gives a process when the image sets none. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export const DEFAULT_HOSTNAME = "kiln";

function hostsFile(hostname: string, extra: readonly string[]): string {
  return [
    "127.0.0.1\tlocalhost",
    "::1\tlocalhost ip6-localhost ip6-loopback",
    "fe00::0\tip6-localnet",
    "ff00::0\tip6-mcastprefix",
    "ff02::1\tip6-allnodes",
    "ff02::2\tip6-allrouters",
    `127.0.1.1\t${hostname}`,
    ...extra,
    "",
  ].join("\n");
}

/** The host's resolv.conf as Docker passes it: systemd-resolved's stub is replaced by the real servers. */
function resolvConf(network: NetworkMode): string {
  if (network === "none") return "";
  for (const file of ["/etc/resolv.conf", "/run/systemd/resolve/resolv.conf"]) {
    try {
      const text = readFileSync(file, "utf8");
      if (file === "/etc/resolv.conf" && /^\s*nameserver\s+127\.0\.0\.53\b/m.test(text)) continue;
      return text;
    } catch {
      // try the next
    }
  }
  return "nameserver 8.8.8.8\nnameserver 8.8.4.4\n";
}

/** Why user namespaces cannot be used, naming the setting to change; undefined when they can. */
export function userNamespaceProblem(): string | undefined {
  const read = (p: string) => {
    try {
      return readFileSync(p, "utf8").trim();
    } catch {
      return undefined;
    }
  };
  if (read("/proc/sys/user/max_user_namespaces") === "0") {
    return "user namespaces are disabled: set the sysctl user.max_user_namespaces to a positive number (e.g. 15000), or run kiln as root";
  }
  if (read("/proc/sys/kernel/unprivileged_userns_clone") === "0") {
    return "unprivileged user namespaces are disabled: run `sysctl -w kernel.unprivileged_userns_clone=1`, or run kiln as root";
  }
  if (read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") === "1") {
    return "AppArmor restricts unprivileged user namespaces: run `sysctl -w kernel.apparmor_restrict_unprivileged_userns=0` (or add an AppArmor profile allowing userns for kiln), or run kiln as root";
  }
  return undefined;
}

/** Is this directory on overlayfs (where an overlay upper dir cannot live)? */
export function onOverlayfs(dir: string): boolean {
  try {
    return statfsSync(dir).type === 0x794c7630;
  } catch {
    return false;
  }
}

function stdioOf(spec: StdinSpec | OutputSpec | undefined, fallback: "ignore" | "inherit"): "ignore" | "inherit" | "pipe" {
  if (spec === undefined) return fallback;
  if (spec === "ignore" || spec === "inherit") return spec;
  return "pipe";
}

/**
 * The helper's options shared by `run` and `oci`: status pipe, hostname, network, rootfs, user,
 * working directory, environment, the provided files (written into the run dir here) and volumes.
 */
export function helperArgs(spec: SandboxSpec, rootless: boolean): string[] {
  const network: NetworkMode = spec.network ?? "none";
  const hostname = spec.hostname ?? DEFAULT_HOSTNAME;
  const hostsPath = join(spec.runDir, "hosts");
  const resolvPath = join(spec.runDir, "resolv.conf");
  const hostnamePath = join(spec.runDir, "hostname");
  writeFileSync(hostsPath, hostsFile(hostname, spec.extraHosts ?? []));
  writeFileSync(resolvPath, resolvConf(network));
  writeFileSync(hostnamePath, `${hostname}\n`);

  const args: string[] = ["--status-fd", "3", "--parent-pid", String(process.pid), "--hostname", hostname, "--net", network];
  args.push("--kill-after", String(spec.killAfterMs ?? 2000));
  const rootfs = spec.rootfs;
  switch (rootfs.kind) {
    case "bind":
      args.push("--rootfs", rootfs.dir);
      break;
    case "overlay":
      args.push("--rootfs", rootfs.target, "--lower", rootfs.lower.join(":"), "--upper", rootfs.upper, "--work", rootfs.work);
      if (rootfs.mountCwd) args.push("--mount-cwd", rootfs.mountCwd);
      if (rootless) args.push("--userxattr");
      if (rootfs.volatile) args.push("--volatile");
      break;
    default:
      assertNever(rootfs, "rootfs kind");
  }
  if (rootless) args.push("--userns");
  args.push("--user", spec.user !== undefined && spec.user !== "" ? spec.user : "0");
  args.push("--cwd", spec.cwd && spec.cwd !== "" ? spec.cwd : "/");
  for (const e of spec.env ?? []) args.push("--env", e);
  if (!(spec.env ?? []).some((e) => e.startsWith("PATH="))) args.push("--env", `PATH=${DEFAULT_PATH}`);
  args.push("--file", hostsPath, "/etc/hosts", "--file", resolvPath, "/etc/resolv.conf", "--file", hostnamePath, "/etc/hostname");
  for (const m of spec.mounts ?? []) {
    if (!m.target.startsWith("/")) throw new KilnError("invalid-mount", `mount target ${JSON.stringify(m.target)} must be an absolute path`, { exitCode: 125 });
    args.push(m.readonly ? "--bind-ro" : "--bind", m.source, m.target);
  }
  return args;
}

/** Runs `spec.args` in the sandbox and resolves with how it ended. Setup failures throw KilnError `sandbox-failed`. */
export async function runSandbox(spec: SandboxSpec): Promise<SandboxResult> {
  if (spec.args.length === 0) throw new KilnError("sandbox-no-command", "no command to run", { exitCode: 125 });
  const rootless = spec.rootless ?? process.getuid?.() !== 0;
  if (rootless) {
    const problem = userNamespaceProblem();
    if (problem) throw new KilnError("userns-unavailable", problem, { exitCode: 125 });
  }
  if (spec.runtime !== undefined && spec.runtime !== "kiln") {
    const { runOci } = await import("./oci.js");
    return runOci(spec, spec.runtime, helperArgs(spec, rootless));
  }
  const args = helperArgs(spec, rootless);
  if (spec.tty) {
    args.push("--tty");
    // docker run -t without -i: a terminal with no input (not even an end of file)
    if (stdioOf(spec.stdin, "ignore") === "ignore") args.push("--tty-no-stdin");
  }
  args.push("--", ...spec.args);

  const stdio: ("ignore" | "inherit" | "pipe")[] = [
    stdioOf(spec.stdin, "ignore"),
    stdioOf(spec.stdout, "inherit"),
    stdioOf(spec.stderr, "inherit"),
    "pipe",
  ];
  const child = spawnHelper(args, stdio);
  if (spec.stdin && typeof spec.stdin === "object" && child.stdin) {
    spec.stdin.pipe(child.stdin);
    child.stdin.on("error", () => {}); // the process may exit without reading everything
  }
  if (spec.stdout && typeof spec.stdout === "object" && child.stdout) child.stdout.pipe(spec.stdout, { end: false });
  if (spec.stderr && typeof spec.stderr === "object" && child.stderr) child.stderr.pipe(spec.stderr, { end: false });

  const created: string[] = [];
  let pid: number | undefined;
  let error: { kind: string; message: string } | undefined;
  let signal: number | undefined;
  const statusStream = child.stdio[3] as Readable;
  let pending = "";
  statusStream.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      const sp = line.indexOf(" ");
      const word = sp < 0 ? line : line.slice(0, sp);
      const rest = sp < 0 ? "" : line.slice(sp + 1);
      if (word === "created") created.push(rest);
      else if (word === "pid") pid = Number(rest);
      else if (word === "signal") signal = Number(rest);
      else if (word === "error") {
        const k = rest.indexOf(" ");
        error = { kind: k < 0 ? rest : rest.slice(0, k), message: k < 0 ? "" : rest.slice(k + 1) };
      }
    }
  });
  statusStream.on("error", () => {});

  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  if (spec.timeoutMs !== undefined && spec.timeoutMs > 0) {
    timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL"); // the helper's death kills pid 1, and with it the whole sandbox
    }, spec.timeoutMs);
  }
  const onAbort = () => child.kill("SIGTERM");
  if (spec.signal) {
    if (spec.signal.aborted) onAbort();
    else spec.signal.addEventListener("abort", onAbort, { once: true });
  }

  const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c, s) => resolve([c, s]));
  });
  if (timer) clearTimeout(timer);
  spec.signal?.removeEventListener("abort", onAbort);

  if (timedOut) return { exitCode: 137, signal: 9, timedOut: true, created, ...(pid ? { pid } : {}) };
  if (error) {
    if (error.kind === "exec") return { exitCode: code ?? 127, timedOut: false, execError: error.message, created, ...(pid ? { pid } : {}) };
    if (error.kind === "userns") throw new KilnError("userns-unavailable", `${error.message}. ${userNamespaceProblem() ?? "Check that the kernel allows unprivileged user namespaces, or run kiln as root."}`, { exitCode: 125 });
    if (error.kind === "user") throw new KilnError("unknown-user", error.message, { exitCode: 125 });
    throw new KilnError("sandbox-failed", `the sandbox could not start: ${error.message}`, { exitCode: 125 });
  }
  if (sig !== null) {
    // the helper itself was killed (kiln's own doing, or from outside)
    const n = signalNumber(sig);
    return { exitCode: 128 + n, signal: n, timedOut: false, created, ...(pid ? { pid } : {}) };
  }
  if (pid === undefined) throw new KilnError("sandbox-failed", `the sandbox helper exited with ${code} before starting the command`, { exitCode: 125 });
  return { exitCode: code ?? 125, ...(signal !== undefined ? { signal } : {}), timedOut: false, created, pid };
}

function signalNumber(sig: NodeJS.Signals): number {
  return constants.signals[sig] ?? 9;
}
