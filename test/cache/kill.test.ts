/**
 * Crash safety: a child process writing to the store is SIGKILLed at random instants (seeded),
 * then the store must be consistent: index.json parses, every entry's manifest, config and
 * layers exist and verify, every file under blobs/sha256 is named by its own digest, and the
 * next process can take the lock and clean up the dead one's temp files.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openStore, type ImageStore } from "../../cache/index.js";
import { openUncompressed } from "../../image/index.js";
import { collect } from "../image/helpers.js";
import { file, makeImage, tempDir } from "./helpers.js";

const worker = fileURLToPath(new URL("./kill-worker.js", import.meta.url));

function mulberry(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function runAndKill(root: string, seed: number, delayMs: number): Promise<number> {
  const child = spawn(process.execPath, [worker, root, String(seed)], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`worker never got ready: ${err}`)), 20_000);
    child.stdout.on("data", () => {
      if (out.includes("ready")) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on("exit", () => reject(new Error(`worker exited early: ${err}`)));
  });
  await new Promise((r) => setTimeout(r, delayMs));
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  assert.not.match(err, /Error/, err);
  return out.split("\n").filter((l) => l.startsWith("op ")).length;
}

export async function checkConsistent(store: ImageStore): Promise<number> {
  const index = JSON.parse(readFileSync(store.paths.indexFile, "utf8"));
  assert.ok(Array.isArray(index.manifests));
  for (const name of readdirSync(store.paths.blobs)) {
    assert.match(name, /^[0-9a-f]{64}$/, `only blobs in blobs/sha256: ${name}`);
    const hex = createHash("sha256").update(readFileSync(join(store.paths.blobs, name))).digest("hex");
    assert.is(hex, name, `blob ${name} holds what its name says`);
  }
  const records = await store.listImages();
  for (const rec of records) {
    const image = await store.image(rec);
    const config = await image.config();
    const layers = await image.layers();
    assert.is(layers.length, config.rootfs.diff_ids.length);
    for (const layer of layers) await collect(await openUncompressed(layer)); // verifies
  }
  const graph = await store.references();
  assert.equal([...graph.missing], [], "nothing index.json reaches is missing");
  return records.length;
}

test("SIGKILL at random instants leaves a consistent store", async () => {
  const t = tempDir();
  const root = join(t.dir, "root");
  const rand = mulberry(20260611);
  try {
    let ops = 0;
    for (let i = 0; i < 8; i++) {
      ops += await runAndKill(root, 1000 + i, 20 + Math.floor(rand() * 400));
      const store = await openStore(root, { lockTimeoutMs: 15_000 });
      try {
        await checkConsistent(store);
        // the dead worker's lock (if it held one) must not block us
        await store.writeImage(await makeImage([[file("probe", String(i))]]), { names: ["probe:latest"] });
        assert.equal(readdirSync(store.paths.tmp).filter((n) => !n.includes(`.${process.pid}.`)), [], "dead workers' temp files are cleaned");
      } finally {
        await store.close();
      }
    }
    assert.ok(ops > 0, "the workers did some work");
    const store = await openStore(root);
    try {
      await store.prune();
      const n = await checkConsistent(store);
      assert.ok(n >= 1);
      assert.equal(readdirSync(store.paths.locks), [], "no lock or lease is left once everyone is done");
    } finally {
      await store.close();
    }
  } finally {
    t.cleanup();
  }
});

test.run();
