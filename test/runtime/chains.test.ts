/** runtime/chains.ts: chain ids, and the chains already unpacked (what the builder's views read without the snapshotter). */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { digestOf, type Digest } from "../../image/digest.js";
import { chainIds, existingChain, snapshotDir } from "../../runtime/chains.js";
import { chainIds as snapshotterChainIds } from "../../runtime/snapshots.js";
import { tempDir } from "../cache/helpers.js";

const diffIds: Digest[] = ["a", "b", "c"].map((x) => digestOf(x));

test("chainIds: the first is the diffId, then sha256 of parent and diffId; the snapshotter's are these", () => {
  const ids = chainIds(diffIds);
  assert.is(ids[0], diffIds[0]);
  assert.is(ids[1], digestOf(`${diffIds[0]} ${diffIds[1]}`));
  assert.is(ids[2], digestOf(`${ids[1]} ${diffIds[2]}`));
  assert.equal(snapshotterChainIds(diffIds), ids);
});

test("existingChain: only a chain whose every snapshot is there; overlay first, then copy", () => {
  const t = tempDir();
  try {
    const root = join(t.dir, "snapshots");
    const ids = chainIds(diffIds);
    assert.is(existingChain(root, diffIds), undefined, "nothing unpacked");
    assert.is(existingChain(root, []), undefined, "no layers: the empty root, not a chain");
    for (const id of ids.slice(0, 2)) mkdirSync(snapshotDir(root, "overlay", id), { recursive: true });
    assert.is(existingChain(root, diffIds), undefined, "the top layer is not unpacked");
    assert.equal(existingChain(root, diffIds.slice(0, 2)), { kind: "overlay", chainIds: ids.slice(0, 2), dirs: ids.slice(0, 2).map((id) => join(root, "overlay", id.slice(7), "fs")) });
    for (const id of ids) mkdirSync(snapshotDir(root, "copy", id), { recursive: true });
    assert.is(existingChain(root, diffIds)!.kind, "copy", "the overlay chain is incomplete, the copy one is whole");
    mkdirSync(snapshotDir(root, "overlay", ids[2]!), { recursive: true });
    assert.is(existingChain(root, diffIds)!.kind, "overlay");
    // a temp dir being unpacked is not a snapshot
    mkdirSync(join(root, "overlay", "tmp-123", "fs"), { recursive: true });
    assert.is(existingChain(root, [digestOf("d")]), undefined);
  } finally {
    t.cleanup();
  }
});

test.run();
