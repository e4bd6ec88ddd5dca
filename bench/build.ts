/**
 * `kiln build` against BuildKit on the shared peers cases (/work/shared/peers/cases):
 *
 * - `small`: multi-stage, about 10 steps (cases/small, copied into a temp dir);
 * - `large`: one COPY of 20,000 files / 200 MB and one RUN (cases/large, its context made by
 *   gen-large-ctx.sh into a temp dir).
 *
 * Each case three ways: cold (kiln: a fresh KILN_ROOT holding only the base; BuildKit: after
 * `docker builder prune -af`; both after a `sync`), cached no-op (the same build again), and one copied file
 * changed (late.txt, COPYed last). Both sides run `build -q`, RUN steps without network,
 * interleaved round by round so the machine's noise hits both alike. Printed: wall-time
 * medians, kiln's CPU time (user+sys) median, kiln's peak RSS (the largest of its processes,
 * from wait4's ru_maxrss via /usr/bin/time: kiln's own node process; the sandbox helper and
 * the RUN's processes are a few MB) and kiln/BuildKit ratios, then PASS/FAIL per goal.
 *
 * The base is the same image on both sides: localhost:5000/busybox:latest from
 * /work/shared/peers/base-images.sh (its docker-archive /tmp/lab-images/busybox.tar is loaded
 * into kiln's store); without it kiln imports fixtures/images/make-busybox-rootfs.sh's rootfs
 * under that name. BuildKit runs when dockerd answers (/work/shared/peers/setup.sh) and holds
 * the base; it uses /usr/bin/docker with DOCKER_BUILDKIT=1 (peers.sh).
 *
 * Env: KILN_BENCH_BUILD_RUNS (5) rounds, KILN_BENCH_BUILD_REBUILDS (3) no-op and one-file
 * rebuilds per round and side (each one-file rebuild writes new content; more samples for the
 * ~0.1 s cases, where one spawn's noise is a large share), KILN_BENCH_BUILD_CASES (small,large),
 * KILN_BENCH_BUILD_PEER=0 skips BuildKit. Run as root: `npm run build && node dist/lib/bench/build.js`.
 *
 * Goals (issue 5): no-op and one-file rebuilds at or below BuildKit, cold large at or below
 * BuildKit, peak RSS below 300 MB.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./corpus.js";
import { fmt, median } from "./stats.js";

const PEERS = "/work/shared/peers";
const BASE = "localhost:5000/busybox:latest";
const LAB_BASE_ARCHIVE = "/tmp/lab-images/busybox.tar";
const DOCKER = "/usr/bin/docker";
const RSS_GOAL_MB = 300;

interface Timed {
  readonly seconds: number;
  readonly cpu: number;
  readonly rssMb: number;
}

/**
 * Runs a command under /usr/bin/time: wall seconds, user+sys seconds, max RSS. Throws on failure.
 * The wall time is taken here around the spawn (sub-millisecond), not from /usr/bin/time's `%e`,
 * which has 10 ms steps: too coarse for rebuilds of about 0.1 s. The spawn of /usr/bin/time
 * itself (about 1 ms) is in it for both sides alike.
 */
function timed(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Timed {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S %M", cmd, ...args], { env, encoding: "utf8", maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const [, u, s, m] = r.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  return { seconds, cpu: u! + s!, rssMb: m! / 1024 };
}

interface CaseSpec {
  readonly name: string;
  readonly context: string;
  readonly dockerfile: string;
  /** The file that one-file rebuilds change (COPYed by the last step). */
  readonly changed: string;
}

type Scenario = "cold" | "cached no-op" | "one file changed";
const SCENARIOS: readonly Scenario[] = ["cold", "cached no-op", "one file changed"];

function dockerReady(): boolean {
  if (process.env["KILN_BENCH_BUILD_PEER"] === "0" || !existsSync(DOCKER)) return false;
  if (spawnSync(DOCKER, ["info"], { stdio: "ignore", timeout: 10_000 }).status !== 0) {
    console.log("build bench: dockerd is not running (run /work/shared/peers/setup.sh for the BuildKit comparison)");
    return false;
  }
  if (spawnSync(DOCKER, ["image", "inspect", BASE], { stdio: "ignore" }).status !== 0) {
    console.log(`build bench: docker has no ${BASE} (run /work/shared/peers/base-images.sh); kiln alone`);
    return false;
  }
  return true;
}

/** The contexts, in `work`: small copied (so late.txt can change), large generated. */
function makeCases(work: string, wanted: readonly string[]): CaseSpec[] {
  const cases: CaseSpec[] = [];
  if (wanted.includes("small")) {
    const ctx = join(work, "small");
    cpSync(join(PEERS, "cases/small"), ctx, { recursive: true });
    execFileSync("chmod", ["-R", "u+w", ctx]);
    cases.push({ name: "small", context: ctx, dockerfile: join(ctx, "Dockerfile"), changed: join(ctx, "late.txt") });
  }
  if (wanted.includes("large")) {
    const ctx = join(work, "large");
    execFileSync("bash", [join(PEERS, "gen-large-ctx.sh")], { env: { ...process.env, CTX: ctx }, stdio: "ignore" });
    cases.push({ name: "large", context: ctx, dockerfile: join(PEERS, "cases/large/Dockerfile"), changed: join(ctx, "late.txt") });
  }
  return cases;
}

/** A base archive for kiln: the lab's docker-archive of the base, else the fixture rootfs. */
function kilnBase(work: string): { args: string[] } {
  if (existsSync(LAB_BASE_ARCHIVE)) return { args: ["load", "-q", "-i", LAB_BASE_ARCHIVE] };
  const tar = join(work, "busybox.tar");
  execFileSync("sh", [join(repoRoot, "fixtures/images/make-busybox-rootfs.sh"), tar]);
  return { args: ["import", tar, BASE, "-c", 'CMD ["sh"]', "-c", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"] };
}

export async function runBuildBench(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("build bench: needs root (RUN steps use namespaces and overlayfs), skipped");
    return;
  }
  if (!existsSync(join(PEERS, "cases"))) {
    console.log(`build bench: ${PEERS}/cases not found, skipped`);
    return;
  }
  const runs = Number(process.env["KILN_BENCH_BUILD_RUNS"] ?? 5);
  const rebuilds = Math.max(1, Number(process.env["KILN_BENCH_BUILD_REBUILDS"] ?? 3));
  const wanted = (process.env["KILN_BENCH_BUILD_CASES"] ?? "small,large").split(",");
  const kiln = join(repoRoot, "dist", "kiln");
  const work = mkdtempSync(join(tmpdir(), "kiln-bench-build-"));
  const docker = dockerReady();
  try {
    const base = kilnBase(work);
    const cases = makeCases(work, wanted);
    const results = new Map<string, { kiln: Timed[]; buildkit: Timed[] }>();
    const add = (c: string, s: Scenario, side: "kiln" | "buildkit", t: Timed) => {
      const k = `${c} ${s}`;
      if (!results.has(k)) results.set(k, { kiln: [], buildkit: [] });
      results.get(k)![side].push(t);
    };
    /**
     * Before each cold build: the previous round's deleted trees and written files are flushed
     * (`sync`), so neither side's timed build pays the other's writeback. (Without it, whichever
     * side ran right after a 400 MB `rm -rf` took up to 2x longer in kernel time.)
     */
    const settle = () => spawnSync("sync", [], { stdio: "ignore" });
    for (const c of cases) {
      const original = readFileSync(c.changed, "utf8");
      try {
        for (let i = 0; i < runs; i++) {
          // kiln: a fresh store holding only the base
          const root = join(work, `root-${c.name}`);
          rmSync(root, { recursive: true, force: true });
          const env = { ...process.env, KILN_ROOT: root };
          execFileSync(kiln, base.args, { env, stdio: "ignore" });
          const args = ["build", "-q", "--network", "none", "-f", c.dockerfile, "-t", `bench-${c.name}`, c.context];
          settle();
          add(c.name, "cold", "kiln", timed(kiln, args, env));
          for (let r = 0; r < rebuilds; r++) add(c.name, "cached no-op", "kiln", timed(kiln, args, env));
          for (let r = 0; r < rebuilds; r++) {
            writeFileSync(c.changed, `${original}kiln ${i}.${r}\n`);
            add(c.name, "one file changed", "kiln", timed(kiln, args, env));
          }
          writeFileSync(c.changed, original);
          rmSync(root, { recursive: true, force: true });

          if (docker) {
            const denv = { ...process.env, DOCKER_BUILDKIT: "1" };
            const dargs = ["build", "-q", "--network", "none", "-f", c.dockerfile, "-t", `kiln-bench-${c.name}`, c.context];
            spawnSync(DOCKER, ["builder", "prune", "-af"], { stdio: "ignore" });
            settle();
            add(c.name, "cold", "buildkit", timed(DOCKER, dargs, denv));
            for (let r = 0; r < rebuilds; r++) add(c.name, "cached no-op", "buildkit", timed(DOCKER, dargs, denv));
            for (let r = 0; r < rebuilds; r++) {
              writeFileSync(c.changed, `${original}buildkit ${i}.${r}\n`);
              add(c.name, "one file changed", "buildkit", timed(DOCKER, dargs, denv));
            }
            writeFileSync(c.changed, original);
          }
        }
      } finally {
        writeFileSync(c.changed, original);
      }
    }

    console.log(`build: kiln build vs BuildKit on the peers cases (${runs} rounds, interleaved, ${rebuilds} of each rebuild per round; medians, kiln peak RSS = max)`);
    console.log(`${"case".padEnd(24)} ${"kiln s".padStart(7)} ${"cpu s".padStart(6)} ${"RSS MB".padStart(7)} ${docker ? `${"BuildKit s".padStart(11)} ${"kiln/BK".padStart(8)}` : ""}`);
    const verdicts: string[] = [];
    let maxRss = 0;
    for (const c of cases) {
      for (const s of SCENARIOS) {
        const r = results.get(`${c.name} ${s}`)!;
        const k = median(r.kiln.map((t) => t.seconds));
        const cpu = median(r.kiln.map((t) => t.cpu));
        const rss = Math.max(...r.kiln.map((t) => t.rssMb));
        maxRss = Math.max(maxRss, rss);
        let line = `${`${c.name} ${s}`.padEnd(24)} ${fmt(k, 3).padStart(7)} ${fmt(cpu, 2).padStart(6)} ${fmt(rss, 0).padStart(7)}`;
        if (r.buildkit.length > 0) {
          const b = median(r.buildkit.map((t) => t.seconds));
          line += ` ${fmt(b, 3).padStart(11)} ${fmt(k / b, 2).padStart(8)}`;
          if (s !== "cold" || c.name === "large") verdicts.push(`${k <= b ? "PASS" : "FAIL"} ${c.name} ${s}: kiln/BuildKit ${fmt(k / b, 2)} (goal <= 1)`);
        }
        console.log(line);
      }
    }
    for (const v of verdicts) console.log(v);
    console.log(`${maxRss < RSS_GOAL_MB ? "PASS" : "FAIL"} peak RSS ${fmt(maxRss, 0)} MB (goal < ${RSS_GOAL_MB} MB)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runBuildBench();
