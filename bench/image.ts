/**
 * Image save/load: kiln's image/formats against `skopeo copy` doing the same conversions on the
 * same ~500 MB image, in the same run.
 *
 *   save:  OCI layout (gzip layers) → docker-archive      skopeo copy oci:SRC:t docker-archive:F:ref
 *   load:  docker-archive → OCI layout (gzip layers)      skopeo copy docker-archive:F oci:DST:t
 *   load (kiln, no recompression): docker-archive from a pipe → OCI layout with uncompressed
 *         layers, as the local store keeps them (no skopeo equivalent)
 *
 * The image is made of real files (the biggest of /usr/lib, in 4 layers) and built once with
 * image/tar.ts. Each measured step runs in its own child process; wall time and peak RSS come
 * from /usr/bin/time (%e, %M) when present, else from the child's own process.resourceUsage().
 * Before each step the bench runs `sync` (untimed), and kiln and skopeo take turns going first.
 *
 * Options (env): KILN_BENCH_IMAGE_MB (500), KILN_BENCH_IMAGE_ROUNDS (1), KILN_BENCH_IMAGE_DIR
 * (work directory, default $TMPDIR/kiln-bench-image, kept between runs for the source image),
 * KILN_BENCH_IMAGE_SOURCE (/usr/lib).
 *
 * Goals: kiln at least as fast as skopeo on save and load; kiln's peak RSS under 150 MB.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readArchive, readOciLayout, writeDockerArchive, writeOciLayout } from "../image/formats/index.js";
import { newImage } from "../image/image.js";
import { layerFromOpener, type Layer } from "../image/layer.js";
import { createTar, type TarEntry } from "../image/tar.js";
import { pipeline } from "node:stream/promises";
import { pickFiles } from "./files.js";
import { fmt, median } from "./stats.js";

const self = fileURLToPath(import.meta.url);
const RSS_GOAL_MB = 150;

export interface ImageBenchOptions {
  sizeMb: number;
  rounds: number;
  dir: string;
  source: string;
}

export function imageBenchOptionsFromEnv(env = process.env): ImageBenchOptions {
  return {
    sizeMb: Number(env["KILN_BENCH_IMAGE_MB"] ?? 500),
    rounds: Number(env["KILN_BENCH_IMAGE_ROUNDS"] ?? 1),
    dir: env["KILN_BENCH_IMAGE_DIR"] ?? join(tmpdir(), "kiln-bench-image"),
    source: env["KILN_BENCH_IMAGE_SOURCE"] ?? "/usr/lib",
  };
}

/** Builds the source image once: 4 uncompressed layer tars, then an OCI layout with gzip layers. */
async function prepare(options: ImageBenchOptions, log: (line: string) => void): Promise<{ src: string; bytes: number }> {
  const src = join(options.dir, `src-${options.sizeMb}`);
  const marker = join(src, "index.json");
  const layersDir = join(options.dir, `layers-${options.sizeMb}`);
  if (!existsSync(marker)) {
    rmSync(src, { recursive: true, force: true });
    mkdirSync(layersDir, { recursive: true });
    const files = pickFiles(options.source, options.sizeMb * 1024 * 1024);
    const per = Math.ceil(files.length / 4);
    const layers: Layer[] = [];
    for (let i = 0; i < 4; i++) {
      const part = files.slice(i * per, (i + 1) * per);
      const entries: TarEntry[] = [];
      const dirs = new Set<string>();
      for (const f of part) {
        const rel = f.path.replace(/^\/+/, "");
        const segs = rel.split("/");
        for (let j = 1; j < segs.length; j++) dirs.add(segs.slice(0, j).join("/"));
        entries.push({ type: "file", path: rel, size: f.size, mode: f.mode, body: () => createReadStream(f.path) });
      }
      for (const d of dirs) entries.push({ type: "directory", path: d });
      const file = join(layersDir, `layer${i}.tar`);
      await pipeline(createTar(entries), createWriteStream(file));
      layers.push(await layerFromOpener(() => createReadStream(file, { highWaterMark: 1 << 20 })));
    }
    const image = newImage({
      config: { architecture: "amd64", os: "linux", config: { Cmd: ["/bin/sh"] }, rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) } },
      layers,
    });
    log(`image: preparing ${layers.length} layers from ${options.source} and a gzip OCI layout (once, kept in ${options.dir})`);
    await writeOciLayout(src, [{ image, tags: ["bench"] }]);
  }
  const bytes = readdirSync(layersDir).reduce((n, f) => n + statSync(join(layersDir, f)).size, 0);
  return { src, bytes };
}

interface Measured {
  seconds: number;
  rssMb: number | undefined;
}

function measure(cmd: string, args: string[], input?: string): Measured {
  // Every step writes ~500 MB: flush what the steps before it wrote, untimed, or a step pays the
  // writeback of the one before it (on this machine's disk, load after save took 1.2-1.5x longer).
  spawnSync("sync", { stdio: "ignore" });
  const timed = existsSync("/usr/bin/time");
  const argv = timed ? ["-f", "KILN_TIME %e %M", cmd, ...args] : args;
  const start = process.hrtime.bigint();
  const r = spawnSync(timed ? "/usr/bin/time" : cmd, argv, {
    encoding: "utf8",
    stdio: [input ? "pipe" : "ignore", "pipe", "pipe"],
    ...(input ? { input: undefined } : {}),
    maxBuffer: 64 << 20,
    shell: false,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  const m = /KILN_TIME (\S+) (\d+)/.exec(r.stderr);
  const self = /"maxRssKb":(\d+)/.exec(r.stdout);
  const rssKb = m ? Number(m[2]) : self ? Number(self[1]) : undefined;
  return { seconds, rssMb: rssKb === undefined ? undefined : rssKb / 1024 };
}

function kiln(op: string, ...args: string[]): Measured {
  return measure(process.execPath, [self, "child", op, ...args]);
}

/** The steps a child runs (one per process, so its peak RSS is its own). */
async function child(op: string, args: string[]): Promise<void> {
  const [a, b, tmp] = args as [string, string, string];
  switch (op) {
    case "save": {
      const images = await readOciLayout(a);
      await writeDockerArchive([{ image: images[0]!.image, tags: ["kiln-bench/image:1"] }], createWriteStream(b), { tmpDir: tmp });
      break;
    }
    case "load": {
      const loaded = await readArchive(a, { tmpDir: tmp });
      try {
        await writeOciLayout(b, loaded.images.map((i) => ({ image: i.image, tags: ["bench"] })), { compression: "gzip" });
      } finally {
        await loaded.cleanup();
      }
      break;
    }
    case "load-none": {
      const loaded = await readArchive(createReadStream(a), { tmpDir: tmp });
      try {
        await writeOciLayout(b, loaded.images.map((i) => ({ image: i.image, tags: ["bench"] })), { compression: "none" });
      } finally {
        await loaded.cleanup();
      }
      break;
    }
    default:
      throw new Error(`unknown step ${op}`);
  }
  console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
}

export async function runImageBench(options: ImageBenchOptions, log: (line: string) => void = console.log): Promise<void> {
  mkdirSync(options.dir, { recursive: true });
  const { src, bytes } = await prepare(options, log);
  const mb = bytes / 1024 / 1024;
  const hasSkopeo = spawnSync("sh", ["-c", "command -v skopeo"]).status === 0;
  log(`image: ${fmt(mb, 0)} MB uncompressed in 4 layers; ${options.rounds} round(s); node ${process.version}${hasSkopeo ? "" : "; skopeo not installed: kiln only"}`);
  const work = join(options.dir, "work");
  const tmp = join(options.dir, "tmp");
  const results = new Map<string, Measured[]>();
  const add = (k: string, m: Measured) => results.set(k, [...(results.get(k) ?? []), m]);
  const fresh = () => {
    rmSync(work, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    mkdirSync(tmp, { recursive: true });
  };
  for (let round = 0; round < options.rounds; round++) {
    fresh();
    // kiln and skopeo take turns going first, round by round.
    const pair = (a: () => void, b: () => void) => (round % 2 === 0 ? [a, b] : [b, a]).forEach((f) => f());
    pair(
      () => add("save kiln", kiln("save", src, join(work, "kiln.tar"), tmp)),
      () => hasSkopeo && add("save skopeo", measure("skopeo", ["copy", "-q", `oci:${src}:bench`, `docker-archive:${join(work, "skopeo.tar")}:kiln-bench/image:1`])),
    );
    pair(
      () => add("load kiln", kiln("load", join(work, "kiln.tar"), join(work, "kiln-oci"), tmp)),
      () => hasSkopeo && add("load skopeo", measure("skopeo", ["copy", "-q", `docker-archive:${join(work, "kiln.tar")}`, `oci:${join(work, "skopeo-oci")}:bench`])),
    );
    add("load kiln (pipe, uncompressed)", kiln("load-none", join(work, "kiln.tar"), join(work, "kiln-oci-none"), tmp));
  }
  log("");
  log(`${"step".padEnd(34)} ${"median s".padStart(9)} ${"MB/s".padStart(7)} ${"peak RSS MB".padStart(12)}`);
  const row = (k: string) => {
    const ms = results.get(k);
    if (!ms) return undefined;
    const s = median(ms.map((m) => m.seconds));
    const rss = Math.max(...ms.map((m) => m.rssMb ?? NaN));
    log(`${k.padEnd(34)} ${fmt(s, 2).padStart(9)} ${fmt(mb / s, 0).padStart(7)} ${fmt(rss, 0).padStart(12)}  (rounds: ${ms.map((m) => fmt(m.seconds, 2)).join(", ")})`);
    return { s, rss };
  };
  const saveK = row("save kiln");
  const saveS = row("save skopeo");
  const loadK = row("load kiln");
  const loadS = row("load skopeo");
  const loadN = row("load kiln (pipe, uncompressed)");
  log("");
  if (saveK && saveS) log(`save: kiln/skopeo speed ${fmt(saveS.s / saveK.s, 2)}x ${saveK.s <= saveS.s ? "PASS" : "FAIL"} (goal ≥ 1)`);
  if (loadK && loadS) log(`load: kiln/skopeo speed ${fmt(loadS.s / loadK.s, 2)}x ${loadK.s <= loadS.s ? "PASS" : "FAIL"} (goal ≥ 1)`);
  const worst = Math.max(...[saveK, loadK, loadN].map((r) => r?.rss ?? 0));
  log(`kiln peak RSS ${fmt(worst, 0)} MB ${worst < RSS_GOAL_MB ? "PASS" : "FAIL"} (goal < ${RSS_GOAL_MB} MB)`);
  rmSync(work, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
}

if (process.argv[1] === self) {
  if (process.argv[2] === "child") await child(process.argv[3]!, process.argv.slice(4));
  else await runImageBench(imageBenchOptionsFromEnv());
}
