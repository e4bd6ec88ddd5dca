/**
 * The runtime's cost (root; a busybox rootfs from the host's static busybox):
 *
 * - sandbox setup alone: `kiln-sandbox run … -- /bin/true` spawned directly (namespaces,
 *   pivot_root, /proc, /sys, /dev, provided files, exec of `true`), wall time per run;
 * - the same through `runSandbox()` from Node.js (spawn and status pipe included);
 * - `kiln run --rm busybox true` end to end (CLI start, store, snapshot, rootfs, sandbox,
 *   cleanup), for each snapshotter, and with `--runtime runc|crun` where installed;
 * - `podman run --rm IMAGE true` (its default network, and `--network host` like kiln's
 *   default) and `docker run --rm --network host IMAGE true` on the same image, loaded with
 *   `kiln save | podman load` / `docker load`; end-to-end cases run interleaved, round by round.
 *
 * Medians and p90 over KILN_BENCH_RUNTIME_RUNS runs (default 50) and
 * KILN_BENCH_RUNTIME_E2E_RUNS end-to-end rounds (default 20). Goals: sandbox setup under 30 ms;
 * `kiln run --rm` faster than `podman run --rm` and `docker run --rm`.
 * Run: `npm run build && node dist/lib/bench/runtime.js`.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createRunDir, helperPath, makeBusyboxRootfs, runSandbox, treeChanges, changesToTar } from "../runtime/index.js";
import { repoRoot } from "./corpus.js";
import { fmt, median, percentile } from "./stats.js";

const goalMs = 30;

function report(label: string, times: number[]): void {
  console.log(`${label.padEnd(44)} median ${fmt(median(times), 1).padStart(6)} ms   p90 ${fmt(percentile(times, 90), 1).padStart(6)} ms   (${times.length} runs)`);
}

function timeSpawn(cmd: string, args: string[], runs: number, env: NodeJS.ProcessEnv = process.env): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env });
    const t1 = process.hrtime.bigint();
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
    out.push(Number(t1 - t0) / 1e6);
  }
  return out;
}

export async function runRuntimeBench(runs: number): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("runtime bench: needs root, skipped");
    return;
  }
  const base = mkdtempSync(join(tmpdir(), "kiln-bench-rt-"));
  try {
    const rootfs = join(base, "rootfs");
    makeBusyboxRootfs(rootfs);
    const helper = helperPath();
    writeFileSync(join(base, "hosts"), "127.0.0.1 localhost\n");
    writeFileSync(join(base, "hostname"), "bench\n");
    console.log("runtime: sandbox setup (busybox rootfs, /bin/true)");
    const sandboxArgs = ["run", "--rootfs", rootfs, "--hostname", "bench", "--net", "none", "--user", "0", "--env", "PATH=/bin", "--file", join(base, "hosts"), "/etc/hosts", "--file", join(base, "hostname"), "/etc/hostname", "--", "/bin/true"];
    timeSpawn(helper, sandboxArgs, 3);
    const alone = timeSpawn(helper, sandboxArgs, runs);
    report("kiln-sandbox run (setup + exec true)", alone);
    report("  host /bin/true spawn (floor)", timeSpawn("/bin/true", [], runs));
    const state = join(base, "state");
    const viaNode: number[] = [];
    for (let i = 0; i < runs; i++) {
      const dir = createRunDir(state);
      const t0 = process.hrtime.bigint();
      const r = await runSandbox({ rootfs: { kind: "bind", dir: rootfs }, args: ["/bin/true"], runDir: dir.path, stdout: "ignore", stderr: "inherit" });
      viaNode.push(Number(process.hrtime.bigint() - t0) / 1e6);
      dir.remove();
      if (r.exitCode !== 0) throw new Error(`runSandbox: exit ${r.exitCode}`);
    }
    report("runSandbox() from Node.js", viaNode);
    const m = median(alone);
    console.log(`  goal: sandbox setup under ${goalMs} ms: ${m <= goalMs ? "met" : "NOT met"} (${fmt(m, 1)} ms)`);

    // end to end through the CLI (the `kiln` launcher, as users run it), against podman and
    // docker running the very same image; rounds interleave the cases so load noise hits all
    const kiln = join(repoRoot, "dist", "kiln");
    const root = join(base, "kiln-root");
    const tar = join(base, "busybox.tar");
    const bytes = await collect(changesToTar(treeChanges(rootfs), rootfs));
    writeFileSync(tar, bytes);
    const imp = spawnSync(kiln, ["--root", root, "import", tar, IMAGE], { stdio: ["ignore", "ignore", "pipe"] });
    if (imp.status !== 0) throw new Error(`kiln import failed: ${imp.stderr}`);
    const e2eRuns = Number(process.env.KILN_BENCH_RUNTIME_E2E_RUNS ?? Math.max(5, Math.round(runs / 2.5)));
    const cases: Case[] = [
      { label: "kiln run --rm (overlay)", cmd: kiln, args: ["--root", root, "run", "--rm", "--snapshotter", "overlay", IMAGE, "true"] },
      { label: "kiln run --rm --snapshotter copy", cmd: kiln, args: ["--root", root, "run", "--rm", "--snapshotter", "copy", IMAGE, "true"] },
      { label: "kiln --version (CLI floor)", cmd: kiln, args: ["--version"] },
    ];
    // the same run through an OCI runtime (`--runtime`), where installed: what kiln's own sandbox saves
    for (const rt of ["runc", "crun"]) {
      if (spawnSync(rt, ["--version"], { stdio: "ignore" }).status !== 0) continue;
      cases.push({ label: `kiln run --rm --runtime ${rt} (overlay)`, cmd: kiln, args: ["--root", root, "run", "--rm", "--snapshotter", "overlay", "--runtime", rt, IMAGE, "true"] });
    }
    const cleanups: (() => void)[] = [];
    try {
      cases.push(...peerCases("podman", "/usr/bin/podman", kiln, root, cleanups));
      cases.push(...peerCases("docker", "/usr/bin/docker", kiln, root, cleanups));
      console.log(`\nruntime: \`run --rm ${IMAGE} true\` end to end, ${e2eRuns} interleaved rounds`);
      const times = interleaved(cases, e2eRuns);
      for (const c of cases) report(c.label, times.get(c)!);
      const kilnMedian = median(times.get(cases[0]!)!);
      const peers = cases.filter((c) => c.peer);
      for (const c of peers) {
        const ratio = median(times.get(c)!) / kilnMedian;
        console.log(`  ${c.label}: ${fmt(ratio, 2)}x kiln's time (kiln ${ratio > 1 ? "faster" : "SLOWER"})`);
      }
      for (const tool of ["podman", "docker"]) {
        const mine = peers.filter((c) => c.peer === tool);
        if (mine.length === 0) continue;
        const best = Math.min(...mine.map((c) => median(times.get(c)!)));
        console.log(`  goal: kiln run faster than ${tool} run: ${best > kilnMedian ? "met" : "NOT met"} (${fmt(kilnMedian, 1)} vs ${fmt(best, 1)} ms)`);
      }
    } finally {
      for (const f of cleanups.reverse()) f();
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const IMAGE = "kiln-bench-busybox:latest";

interface Case {
  readonly label: string;
  readonly cmd: string;
  readonly args: readonly string[];
  /** podman or docker: compared with kiln. */
  readonly peer?: string;
}

/** `rounds` rounds, each running every case once (the order rotating), after one warm-up round. */
function interleaved(cases: readonly Case[], rounds: number): Map<Case, number[]> {
  const out = new Map<Case, number[]>(cases.map((c) => [c, []]));
  for (let r = -1; r < rounds; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[(i + Math.max(r, 0)) % cases.length]!;
      const t = timeSpawn(c.cmd, [...c.args], 1);
      if (r >= 0) out.get(c)!.push(t[0]!);
    }
  }
  return out;
}

/**
 * podman/docker cases for the same image (`kiln save | TOOL load`), or none with a message.
 * podman on this VM needs what /work/shared/peers/setup.sh sets up: rlimits it may raise (the
 * containers.conf drop-in; here as --ulimit flags when the drop-in is missing) and, for crun,
 * cgroup controllers moved out of the hybrid v2 hierarchy (else runc is used). docker is measured
 * only when its daemon already runs (setup.sh starts it).
 */
function peerCases(tool: "podman" | "docker", path: string, kiln: string, root: string, cleanups: (() => void)[]): Case[] {
  if (!existsSync(path)) {
    console.log(`${tool}: ${path} not installed, skipped`);
    return [];
  }
  if (tool === "docker" && spawnSync(path, ["info"], { stdio: "ignore", timeout: 10_000 }).status !== 0) {
    console.log("docker: no daemon (run /work/shared/peers/setup.sh to start dockerd), skipped");
    return [];
  }
  const load = spawnSync("sh", ["-c", `${q(kiln)} --root ${q(root)} save ${q(IMAGE)} | ${q(path)} load`], { encoding: "utf8" });
  if (load.status !== 0) {
    console.log(`${tool}: \`kiln save | ${tool} load\` failed, skipped: ${load.stderr.trim()}`);
    return [];
  }
  const ref = tool === "podman" ? `localhost/${IMAGE}` : IMAGE;
  cleanups.push(() => spawnSync(path, ["rmi", "-f", ref], { stdio: "ignore" }));
  const extra: string[] = [];
  if (tool === "podman") {
    const dropIns = readdirSafe("/etc/containers/containers.conf.d");
    if (!dropIns.some((f) => /ulimit/.test(f))) {
      const nofile = spawnSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).stdout.trim();
      let nproc = spawnSync("sh", ["-c", "ulimit -Hu"], { encoding: "utf8" }).stdout.trim();
      const pidMax = readFileSync("/proc/sys/kernel/pid_max", "utf8").trim();
      if (nproc === "unlimited" || Number(nproc) > Number(pidMax)) nproc = pidMax;
      extra.push("--ulimit", `nofile=${nofile}:${nofile}`, "--ulimit", `nproc=${nproc}:${nproc}`);
      console.log(`podman: no rlimit drop-in in /etc/containers/containers.conf.d (setup.sh writes one): using ${extra.join(" ")}`);
    }
    const probe = spawnSync(path, ["run", "--rm", ...extra, ref, "true"], { encoding: "utf8" });
    if (probe.status !== 0) {
      if (/hybrid mode/.test(probe.stderr)) {
        console.log("podman: crun refuses this cgroup hybrid mode (setup.sh mounts the leftover v2 controllers as v1): using --runtime runc");
        extra.push("--runtime", "runc");
      }
      const again = spawnSync(path, ["run", "--rm", ...extra, ref, "true"], { encoding: "utf8" });
      if (again.status !== 0) {
        console.log(`podman: cannot run the image, skipped: ${again.stderr.trim()}`);
        return [];
      }
    }
  }
  const runtime = spawnSync(path, ["info", "--format", tool === "podman" ? "{{.Host.OCIRuntime.Name}}" : "{{.DefaultRuntime}}"], { encoding: "utf8" }).stdout.trim();
  const rt = extra.includes("runc") ? "runc" : runtime || "?";
  const out: Case[] = [];
  for (const net of tool === "podman" ? [[], ["--network", "host"]] : [["--network", "host"]]) {
    const args = ["run", "--rm", ...extra, ...net, ref, "true"];
    if (spawnSync(path, args, { stdio: "ignore" }).status !== 0) {
      console.log(`${tool} ${args.join(" ")}: fails, skipped`);
      continue;
    }
    out.push({ label: `${tool} run --rm ${net.join(" ")} (${rt})`.replace("  ", " "), cmd: path, args, peer: tool });
  }
  return out;
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runRuntimeBench(Number(process.env.KILN_BENCH_RUNTIME_RUNS ?? 50));
}
