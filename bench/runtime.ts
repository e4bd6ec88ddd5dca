/**
 * The runtime's cost (root; a busybox rootfs from the host's static busybox):
 *
 * - sandbox setup alone: `kiln-sandbox run … -- /bin/true` spawned directly (namespaces,
 *   pivot_root, /proc, /sys, /dev, provided files, exec of `true`), wall time per run;
 * - the same through `runSandbox()` from Node.js (spawn and status pipe included);
 * - `kiln run --rm busybox true` end to end (CLI start, store, snapshot, rootfs, sandbox,
 *   cleanup), for each snapshotter;
 * - `podman run --rm busybox true` / `docker run --rm busybox true` when installed.
 *
 * Medians and p90 over KILN_BENCH_RUNTIME_RUNS runs (default 50; 20 end to end). Goal: sandbox
 * setup under 30 ms. Run: `npm run build && node dist/lib/bench/runtime.js`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

function which(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
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

    // end to end through the CLI
    const kiln = join(repoRoot, "dist", "kiln.mjs");
    const root = join(base, "kiln-root");
    const tar = join(base, "busybox.tar");
    const bytes = await collect(changesToTar(treeChanges(rootfs), rootfs));
    writeFileSync(tar, bytes);
    const imp = spawnSync(process.execPath, [kiln, "--root", root, "import", tar, "busybox"], { stdio: ["ignore", "ignore", "pipe"] });
    if (imp.status !== 0) throw new Error(`kiln import failed: ${imp.stderr}`);
    const e2eRuns = Math.max(5, Math.round(runs / 2.5));
    console.log("\nruntime: kiln run --rm busybox true (end to end, CLI start included)");
    for (const snapshotter of ["overlay", "copy"]) {
      const args = [kiln, "--root", root, "run", "--rm", "--snapshotter", snapshotter, "busybox", "true"];
      timeSpawn(process.execPath, args, 2); // unpack the snapshot first
      report(`kiln run --rm --snapshotter ${snapshotter}`, timeSpawn(process.execPath, args, e2eRuns));
    }
    report("  node dist/kiln.mjs --version (CLI floor)", timeSpawn(process.execPath, [kiln, "--version"], e2eRuns));
    for (const tool of ["podman", "docker"]) {
      if (!which(tool)) {
        console.log(`${tool}: not installed, skipped`);
        continue;
      }
      const pull = spawnSync(tool, ["image", "inspect", "busybox"], { stdio: "ignore" });
      if (pull.status !== 0) {
        console.log(`${tool}: no busybox image locally, skipped`);
        continue;
      }
      report(`${tool} run --rm busybox true`, timeSpawn(tool, ["run", "--rm", "busybox", "true"], e2eRuns));
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
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
