/** The O_EXCL lock file: exclusion, waiting, timeouts naming the holder, stale-owner recovery. */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { acquireLock, withFileLock } from "../../cache/index.js";
import { kilnError } from "../image/helpers.js";
import { tempDir } from "./helpers.js";

test("one holder at a time; waiters get it when it is released", async () => {
  const t = tempDir();
  try {
    const path = join(t.dir, "x.lock");
    const order: string[] = [];
    await Promise.all([
      withFileLock(path, async () => {
        order.push("a");
        await new Promise((r) => setTimeout(r, 40));
        order.push("a-end");
      }),
      new Promise((r) => setTimeout(r, 5)).then(() => withFileLock(path, async () => void order.push("b"))),
    ]);
    assert.equal(order, ["a", "a-end", "b"]);
    assert.equal(readdirSync(t.dir), []);
  } finally {
    t.cleanup();
  }
});

test("a live holder makes others time out with a message naming it", async () => {
  const t = tempDir();
  try {
    const path = join(t.dir, "x.lock");
    const held = await acquireLock(path, { purpose: "kiln test" });
    const err = await kilnError(() => acquireLock(path, { timeoutMs: 100 }));
    assert.is(err.code, "lock-timeout");
    assert.match(err.message, new RegExp(`process ${process.pid} \\(kiln test\\)`));
    await held.release();
    await (await acquireLock(path, { timeoutMs: 100 })).release();
  } finally {
    t.cleanup();
  }
});

test("locks of dead processes and empty old lock files are broken; foreign hosts' are not", async () => {
  const t = tempDir();
  try {
    mkdirSync(t.dir, { recursive: true });
    const path = join(t.dir, "x.lock");
    writeFileSync(path, JSON.stringify({ pid: 999999997, host: hostname(), token: "dead", time: 0 }));
    await (await acquireLock(path, { timeoutMs: 2000 })).release();
    writeFileSync(path, "");
    await (await acquireLock(path, { timeoutMs: 2000, emptyGraceMs: 50 })).release();
    writeFileSync(path, JSON.stringify({ pid: 999999997, host: "another-host", token: "nfs", time: 0 }));
    assert.is((await kilnError(() => acquireLock(path, { timeoutMs: 150 }))).code, "lock-timeout");
  } finally {
    t.cleanup();
  }
});

test.run();
