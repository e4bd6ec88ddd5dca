/** The snapshotter conformance suite (conformance.ts) for the overlay snapshotter, and what only overlay has. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { release } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { digestOf, type Digest } from "../../image/digest.js";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chainIds, createRunDir, openSnapshotter, runSandbox, treeChanges, changesToTar } from "../../runtime/index.js";
import { collect } from "../image/helpers.js";
import { conformance, layerOf, tarOf } from "./conformance.js";
import { busyboxRootfs, Capture, cleanupTemps, rootTest, tempDir } from "./helpers.js";

conformance("overlay");

const [major = 0, minor = 0] = release().split(".").map(Number);
const hasVolatile = major > 5 || (major === 5 && minor >= 10);

/** The super options of the sandbox's root mount, as the sandbox sees them. */
async function rootMountOptions(durable: boolean | undefined): Promise<string> {
  const state = tempDir("kiln-ovl-");
  const rootfs = busyboxRootfs();
  const snap = openSnapshotter("overlay", { root: join(state, "snapshots") });
  const chain = await snap.prepare([layerOf(await collect(changesToTar(treeChanges(rootfs), rootfs)))]);
  const dir = createRunDir(state);
  try {
    const active = await snap.activate(chain, dir.path, durable === undefined ? {} : { durable });
    const out = new Capture();
    const r = await runSandbox({ rootfs: active.spec, args: ["sh", "-c", "grep ' / / ' /proc/self/mountinfo"], runDir: dir.path, stdout: out, stderr: "inherit" });
    assert.is(r.exitCode, 0);
    assert.match(out.text, / - overlay overlay /);
    return out.text.trim().split(" - overlay overlay ")[1]!;
  } finally {
    dir.remove();
    cleanupTemps();
  }
}

// A throwaway upper dir must not make the sandbox's end wait for a sync of the host filesystem
// holding it (every dirty page on it); a kept container's must.
(hasVolatile ? rootTest : test.skip)("overlay: a run's rootfs is volatile by default, not when durable", async () => {
  // shown as `volatile`, or `fsync=volatile` by kernels that have the fsync= option
  assert.match(await rootMountOptions(undefined), /(^|,)(fsync=)?volatile(,|$)/);
  assert.not.match(await rootMountOptions(true), /volatile/);
});

/** A base chain and a layer's tar (a directory and two files), for unpackAhead. */
async function aheadSetup(kind: "overlay" | "copy") {
  const state = tempDir("kiln-ahead-");
  const rootfs = busyboxRootfs();
  const snap = openSnapshotter(kind, { root: join(state, "snapshots") });
  const base = layerOf(await collect(changesToTar(treeChanges(rootfs), rootfs)));
  const parent = await snap.prepare([base]);
  const tar = await tarOf([
    { type: "directory", path: "data", mode: 0o755 },
    { type: "file", path: "data/a.txt", body: Buffer.from("a\n") },
    { type: "file", path: "data/b.txt", body: Buffer.from("b\n"), mode: 0o600, uid: 7, gid: 8 },
  ]);
  return { state, snap, base, parent, tar, diffId: digestOf(tar) };
}

/** `bytes` as a stream in small pieces, as a store write would see it; `fail` errors it midway. */
function streamOf(bytes: Buffer, fail?: Error): Readable {
  const out = new PassThrough();
  void (async () => {
    for (let i = 0; i < bytes.length; i += 512) {
      if (fail && i >= 1024) return void out.destroy(fail);
      if (!out.write(bytes.subarray(i, i + 512))) await new Promise((r) => out.once("drain", r));
    }
    out.end();
  })();
  return out;
}

rootTest("unpackAhead files the layer's snapshot under its chain id; prepare then never opens the layer", async () => {
  const { snap, base, parent, tar, diffId } = await aheadSetup("overlay");
  try {
    const made = await snap.unpackAhead(parent, streamOf(tar), Promise.resolve(diffId));
    assert.is(made, true);
    const [, top] = chainIds([base.diffId, diffId]);
    assert.ok(snap.has(top!));
    const chain = await snap.prepare([base, { diffId, open: () => Promise.reject(new Error("opened: unpacked twice")) }]);
    const fs = chain.dirs[1]!;
    assert.is(readFileSync(join(fs, "data/a.txt"), "utf8"), "a\n");
    assert.is(readFileSync(join(fs, "data/b.txt"), "utf8"), "b\n");
    assert.equal(readdirSync(snap.root).filter((n) => n.startsWith("tmp-")), [], "no temp dir left");
  } finally {
    cleanupTemps();
  }
});

rootTest("unpackAhead: a store write that fails or a stream that breaks files nothing and leaves no temp dir", async () => {
  const { snap, base, parent, tar, diffId } = await aheadSetup("overlay");
  try {
    const storeFailed = Promise.reject(new Error("disk full"));
    storeFailed.catch(() => {});
    assert.is(await snap.unpackAhead(parent, streamOf(tar), storeFailed), false);
    assert.is(await snap.unpackAhead(parent, streamOf(tar, new Error("cut")), Promise.resolve(diffId)), false);
    assert.not.ok(snap.has(chainIds([base.diffId, diffId])[1]!));
    assert.equal(readdirSync(snap.root).filter((n) => n.startsWith("tmp-")), []);
    // the layer is then unpacked the ordinary way, and checked
    const chain = await snap.prepare([base, layerOf(tar)]);
    assert.ok(existsSync(join(chain.dirs[1]!, "data/a.txt")));
  } finally {
    cleanupTemps();
  }
});

rootTest("unpackAhead on the copy snapshotter makes nothing and drains the stream", async () => {
  const { snap, parent, tar, diffId } = await aheadSetup("copy");
  try {
    const stream = streamOf(tar);
    assert.is(await snap.unpackAhead(parent, stream, Promise.resolve(diffId as Digest)), false);
    await new Promise((r) => (stream.readableEnded ? r(null) : stream.once("end", r)));
    assert.equal(readdirSync(snap.root).filter((n) => n.startsWith("tmp-")), []);
  } finally {
    cleanupTemps();
  }
});

test.run();
