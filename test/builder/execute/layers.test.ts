/**
 * Layers the executor makes: `putLayerWithSnapshot` stores the tar and unpacks the same bytes
 * into the snapshot the next step needs; the snapshot is only a shortcut, so a snapshotter that
 * fails (at once or half-way) changes nothing about the stored layer.
 */
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { openStore } from "../../../cache/index.js";
import { digestOf } from "../../../image/digest.js";
import { createTar, type TarEntry } from "../../../image/tar.js";
import { openSnapshotter, type Chain, type Snapshotter } from "../../../runtime/index.js";
import { putLayerWithSnapshot } from "../../../builder/executor/layers.js";
import { collect } from "../../image/helpers.js";
import { cleanupTemps, isRoot, tempDir } from "../../runtime/helpers.js";

const entries = (): TarEntry[] => [
  { type: "directory", path: "data", mode: 0o755 },
  ...Array.from({ length: 50 }, (_, i): TarEntry => ({ type: "file", path: `data/f${i}`, body: Buffer.alloc(40_000, i) })),
];

test("putLayerWithSnapshot: the stored blob and the snapshot are the same bytes", async () => {
  const dir = tempDir("kiln-layers-");
  const store = await openStore(join(dir, "store"));
  const snap = openSnapshotter(isRoot ? "overlay" : "copy", { root: join(dir, "snapshots") });
  const empty: Chain = { kind: snap.kind, chainIds: [], dirs: [] };
  const bytes = await collect(createTar(entries()));
  const ref = await putLayerWithSnapshot(store, createTar(entries()), "test layer", snap, empty);
  assert.is(ref.diffId, digestOf(bytes));
  assert.ok(snap.has(digestOf(bytes)), "the snapshot is kept under the layer's chain id");
  assert.equal(await collect(await store.getBlob(ref.digest as `sha256:${string}`)), bytes);
});

test("putLayerWithSnapshot: a snapshotter failing at once or half-way leaves the layer stored", async () => {
  const dir = tempDir("kiln-layers-");
  const store = await openStore(join(dir, "store"));
  const bytes = await collect(createTar(entries()));
  const failing = (readFirst: number): Snapshotter =>
    ({
      async prepareFrom(_parent: Chain, tar: Readable): Promise<Chain> {
        let seen = 0;
        for await (const c of tar) {
          seen += (c as Buffer).length;
          if (seen >= readFirst) break;
        }
        throw new Error("disk full");
      },
    }) as unknown as Snapshotter;
  for (const readFirst of [0, 100_000]) {
    const ref = await putLayerWithSnapshot(store, createTar(entries()), "test layer", failing(readFirst), { kind: "copy", chainIds: [], dirs: [] });
    assert.is(ref.diffId, digestOf(bytes), `failing after ${readFirst} bytes`);
  }
});

test.after(() => cleanupTemps());
test.run();
