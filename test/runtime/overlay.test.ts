/** The snapshotter conformance suite (conformance.ts) for the overlay snapshotter, and what only overlay has. */
import { release } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRunDir, openSnapshotter, runSandbox, treeChanges, changesToTar } from "../../runtime/index.js";
import { collect } from "../image/helpers.js";
import { conformance, layerOf } from "./conformance.js";
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

test.run();
