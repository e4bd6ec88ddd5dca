/**
 * Registry push and pull: `kiln push`/`kiln pull` (the CLI, one process each) against
 * `skopeo copy` moving the same ~500 MB image through the same kind of registry on loopback, in
 * the same run, interleaved (the machine is shared and noisy: compare the ratios).
 *
 *   push, compressing:  store with uncompressed layers (as a build leaves it) → registry;
 *                       kiln gzips and remembers the copy; skopeo reads the same store
 *                       (`oci:$KILN_ROOT:name`) and compresses too
 *   push, gzip layers:  kiln's second push (remembered gzip copies) vs skopeo from an OCI
 *                       layout with gzip layers (made once with `skopeo copy --dest-compress`)
 *   pull:               kiln's pushed image into a fresh store (blob digests verified;
 *                       diff_ids are checked when a layer is unpacked) vs skopeo into an
 *                       empty OCI layout
 *
 * Every push goes to a fresh `docker-registry` (its own config and storage, 127.0.0.1, a free
 * port), so no blob is skipped. The image is real files (the biggest first of /usr/lib) in 4
 * layers, made once and kept in the work directory. Wall time is spawn to exit; peak RSS is
 * /usr/bin/time's %M, CPU seconds its %U + %S. Throughput is the image's uncompressed size over the wall time.
 *
 * Options (env): KILN_BENCH_REGISTRY_MB (500), KILN_BENCH_REGISTRY_ROUNDS (3),
 * KILN_BENCH_REGISTRY_DIR (default $TMPDIR/kiln-bench-registry), KILN_BENCH_REGISTRY_SOURCE (/usr/lib).
 *
 * Goals: kiln's throughput at least skopeo's for push and pull; kiln's peak RSS under 200 MB.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "../cache/index.js";
import { emptyImage, appendLayer, createTar, layerFromOpener, setContainerConfig, type TarEntry } from "../image/index.js";
import { pickFiles } from "./files.js";
import { fmt, median } from "./stats.js";

const self = fileURLToPath(import.meta.url);
/** The `kiln` launcher users run (package.json `bin`): code-cached, NODE_EXTRA_CA_CERTS read only when TLS is used. */
const KILN = join(dirname(self), "..", "..", "kiln");
const RSS_GOAL_MB = 200;
const SOURCE_NAME = "kiln-bench/registry:src";

export interface RegistryBenchOptions {
  sizeMb: number;
  rounds: number;
  dir: string;
  source: string;
}

export function registryBenchOptionsFromEnv(env = process.env): RegistryBenchOptions {
  return {
    sizeMb: Number(env["KILN_BENCH_REGISTRY_MB"] ?? 500),
    rounds: Number(env["KILN_BENCH_REGISTRY_ROUNDS"] ?? 3),
    dir: env["KILN_BENCH_REGISTRY_DIR"] ?? join(tmpdir(), "kiln-bench-registry"),
    source: env["KILN_BENCH_REGISTRY_SOURCE"] ?? "/usr/lib",
  };
}

/** The source store (uncompressed layers) and a gzip OCI layout of the same image, made once. */
async function prepare(options: RegistryBenchOptions, log: (line: string) => void): Promise<{ root: string; gzLayout: string; bytes: number }> {
  const root = join(options.dir, `store-${options.sizeMb}`);
  const gzLayout = join(options.dir, `gzip-${options.sizeMb}`);
  const done = join(options.dir, `ready-${options.sizeMb}`);
  if (!existsSync(done)) {
    log(`registry: preparing a 4-layer image from ${options.source} (once, kept in ${options.dir})`);
    rmSync(root, { recursive: true, force: true });
    rmSync(gzLayout, { recursive: true, force: true });
    const files = pickFiles(options.source, options.sizeMb * 1024 * 1024);
    const per = Math.ceil(files.length / 4);
    const store = await openStore(root);
    try {
      let image = emptyImage({ os: "linux", architecture: "amd64" });
      for (let i = 0; i < 4; i++) {
        const entries: TarEntry[] = [];
        const dirs = new Set<string>();
        for (const f of files.slice(i * per, (i + 1) * per)) {
          const rel = f.path.replace(/^\/+/, "");
          const segs = rel.split("/");
          for (let j = 1; j < segs.length; j++) dirs.add(segs.slice(0, j).join("/"));
          entries.push({ type: "file", path: rel, size: f.size, mode: f.mode, body: () => createReadStream(f.path) });
        }
        for (const d of dirs) entries.push({ type: "directory", path: d });
        const blob = await store.putBlob(createTar(entries));
        const layer = await layerFromOpener(() => store.getBlob(blob.digest, { size: blob.size }), { digest: blob.digest, size: blob.size, diffId: blob.digest });
        image = await appendLayer(image, layer, { created_by: `layer ${i}`, created: "2024-01-01T00:00:00Z" });
      }
      image = await setContainerConfig(image, { Cmd: ["/bin/sh"] });
      await store.writeImage(image, { names: [SOURCE_NAME] });
    } finally {
      await store.close();
    }
    const r = spawnSync("skopeo", ["copy", "-q", "--dest-compress", `oci:${root}:${SOURCE_NAME}`, `oci:${gzLayout}:src`], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`skopeo copy --dest-compress failed: ${r.stderr}`);
    writeFileSync(done, "");
  }
  const store = await openStore(root);
  try {
    const layers = await (await store.image(SOURCE_NAME)).layers();
    return { root, gzLayout, bytes: layers.reduce((n, l) => n + l.size, 0) };
  } finally {
    await store.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Registry {
  host: string;
  stop(): Promise<void>;
}

/**
 * A fresh `docker-registry serve` on 127.0.0.1 with its own storage; stopped by PID. (A small
 * copy of test/helpers/registry.ts's harness: bench/ may not import test/, see
 * test/meta/boundaries.test.ts.)
 */
async function startRegistry(dir: string): Promise<Registry> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "  accesslog:",
      "    disabled: true",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${join(dir, "data")}`,
      "http:",
      `  addr: 127.0.0.1:${port}`,
      `  secret: ${randomBytes(16).toString("hex")}`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", config], { stdio: "ignore", env: { ...process.env, OTEL_TRACES_EXPORTER: "none" } });
  const host = `127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = http.get(`http://${host}/v2/`, { agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on("error", () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error("docker-registry did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Measured {
  seconds: number;
  /** user + system CPU seconds (all threads): steadier than wall time on a shared machine */
  cpu: number;
  rssMb: number;
}

function measure(cmd: string, args: string[]): Measured {
  const start = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "KILN_TIME %e %M %U %S", cmd, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  const m = /KILN_TIME (\S+) (\d+) (\S+) (\S+)/.exec(r.stderr);
  return { seconds, cpu: m ? Number(m[3]) + Number(m[4]) : NaN, rssMb: m ? Number(m[2]) / 1024 : NaN };
}

function kilnCli(root: string, ...args: string[]): void {
  const r = spawnSync(KILN, ["--root", root, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`kiln ${args.join(" ")} failed: ${r.stderr}`);
}

const kilnMeasured = (root: string, ...args: string[]) => measure(KILN, ["--root", root, ...args]);

/** The layer bytes a pushed manifest lists: the compressed sizes the two tools wrote (like with like). */
function pushedLayerBytes(host: string, repository: string): Promise<number> {
  const accept = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json"].join(", ");
  return new Promise((resolve, reject) => {
    const req = http.get(`http://${host}/v2/${repository}/manifests/1`, { agent: false, headers: { Accept: accept } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        if (res.statusCode !== 200) return reject(new Error(`manifest of ${repository}: HTTP ${res.statusCode}`));
        const manifest = JSON.parse(body) as { layers: { size: number }[] };
        resolve(manifest.layers.reduce((n, l) => n + l.size, 0));
      });
    });
    req.on("error", reject);
  });
}

export async function runRegistryBench(options: RegistryBenchOptions, log: (line: string) => void = console.log): Promise<void> {
  const missing = ["docker-registry", "skopeo"].filter((c) => spawnSync("sh", ["-c", `command -v ${c}`]).status !== 0);
  if (missing.length > 0 || !existsSync("/usr/bin/time") || !existsSync(KILN)) {
    log(`registry: skipped (${[...missing, ...(existsSync("/usr/bin/time") ? [] : ["/usr/bin/time"]), ...(existsSync(KILN) ? [] : ["dist/kiln (run npm run build)"])].join(", ")} missing)`);
    return;
  }
  mkdirSync(options.dir, { recursive: true });
  const { root, gzLayout, bytes } = await prepare(options, log);
  const mb = bytes / 1024 / 1024;
  log(`registry: ${fmt(mb, 0)} MB uncompressed in 4 layers; ${options.rounds} round(s); node ${process.version}; ${spawnSync("skopeo", ["--version"], { encoding: "utf8" }).stdout.trim()}`);
  const work = join(options.dir, "work");
  const results = new Map<string, Measured[]>();
  const add = (k: string, m: Measured) => results.set(k, [...(results.get(k) ?? []), m]);
  const compressionState = join(root, "compression");
  const pushed = { kiln: 0, skopeo: 0 };
  for (let round = 0; round < options.rounds; round++) {
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    const registries: Registry[] = [];
    const fresh = async () => {
      const r = await startRegistry(join(work, `registry-${registries.length}`));
      registries.push(r);
      return r;
    };
    try {
      // push, compressing: kiln forgets its gzip copies first
      const kilnReg = await fresh();
      const skopeoReg = await fresh();
      const pushKilnCompressing = () => {
        rmSync(compressionState, { recursive: true, force: true });
        kilnCli(root, "tag", SOURCE_NAME, `${kilnReg.host}/bench/kiln:1`);
        add("push, compressing: kiln", kilnMeasured(root, "push", `${kilnReg.host}/bench/kiln:1`));
      };
      const pushSkopeoCompressing = () =>
        add("push, compressing: skopeo", measure("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${root}:${SOURCE_NAME}`, `docker://${skopeoReg.host}/bench/skopeo:1`]));
      const kilnFirst = round % 2 === 0;
      for (const step of kilnFirst ? [pushKilnCompressing, pushSkopeoCompressing] : [pushSkopeoCompressing, pushKilnCompressing]) step();
      pushed.kiln = await pushedLayerBytes(kilnReg.host, "bench/kiln");
      pushed.skopeo = await pushedLayerBytes(skopeoReg.host, "bench/skopeo");

      // push, layers already gzip
      const kilnReg2 = await fresh();
      const skopeoReg2 = await fresh();
      const pushKilnGz = () => {
        kilnCli(root, "tag", SOURCE_NAME, `${kilnReg2.host}/bench/kiln:1`);
        add("push, gzip layers: kiln", kilnMeasured(root, "push", `${kilnReg2.host}/bench/kiln:1`));
      };
      const pushSkopeoGz = () => add("push, gzip layers: skopeo", measure("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${gzLayout}:src`, `docker://${skopeoReg2.host}/bench/skopeo:1`]));
      for (const step of kilnFirst ? [pushKilnGz, pushSkopeoGz] : [pushSkopeoGz, pushKilnGz]) step();

      // pull kiln's image both ways
      const ref = `${kilnReg.host}/bench/kiln:1`;
      const pullKiln = () => add("pull: kiln", kilnMeasured(join(work, "pulled-kiln"), "pull", "-q", ref));
      const pullSkopeo = () => add("pull: skopeo", measure("skopeo", ["copy", "-q", "--src-tls-verify=false", `docker://${ref}`, `oci:${join(work, "pulled-skopeo")}:x`]));
      for (const step of kilnFirst ? [pullKiln, pullSkopeo] : [pullSkopeo, pullKiln]) step();
    } finally {
      for (const r of registries) await r.stop();
    }
  }
  rmSync(work, { recursive: true, force: true });

  log("");
  log(`${"step".padEnd(28)} ${"median s".padStart(9)} ${"MB/s".padStart(7)} ${"CPU s".padStart(7)} ${"peak RSS MB".padStart(12)}`);
  const row = (k: string) => {
    const ms = results.get(k) ?? [];
    const s = median(ms.map((m) => m.seconds));
    const rss = Math.max(...ms.map((m) => m.rssMb));
    const cpu = median(ms.map((m) => m.cpu));
    log(`${k.padEnd(28)} ${fmt(s, 2).padStart(9)} ${fmt(mb / s, 0).padStart(7)} ${fmt(cpu, 2).padStart(7)} ${fmt(rss, 0).padStart(12)}`);
    return { s, rss, cpu };
  };
  const pairs = ["push, compressing", "push, gzip layers", "pull"].map((what) => ({ what, kiln: row(`${what}: kiln`), skopeo: row(`${what}: skopeo`) }));
  log("");
  // the CPU ratio says what the work costs; on a loaded machine it is steadier than the wall-time verdict
  for (const p of pairs) {
    log(`${p.what}: kiln/skopeo throughput ${fmt(p.skopeo.s / p.kiln.s, 2)}x ${p.kiln.s <= p.skopeo.s ? "PASS" : "FAIL"} (goal ≥ 1); CPU kiln/skopeo ${fmt(p.kiln.cpu / p.skopeo.cpu, 2)}x`);
  }
  log(`push, compressing: layers pushed kiln ${fmt(pushed.kiln / 1e6, 1)} MB, skopeo ${fmt(pushed.skopeo / 1e6, 1)} MB (kiln/skopeo ${fmt(pushed.kiln / pushed.skopeo, 3)})`);
  const worst = Math.max(...pairs.map((p) => p.kiln.rss));
  log(`kiln peak RSS ${fmt(worst, 0)} MB ${worst < RSS_GOAL_MB ? "PASS" : "FAIL"} (goal < ${RSS_GOAL_MB} MB)`);
}

if (process.argv[1] === self) await runRegistryBench(registryBenchOptionsFromEnv());
