/**
 * A build stopped mid-RUN, by Ctrl-C (SIGINT) or by SIGKILL: the RUN's processes end, no mount
 * is left on the host, the store stays consistent and the next build completes.
 */
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import { kilnLauncher } from "../../bin/helpers.js";
import { buildOk, BASE, cannotRun, makeRoot, rootTest, runIn, type BuildRoot } from "./helpers.js";

let r: BuildRoot;
test.before(() => {
  if (!cannotRun) r = makeRoot();
});
test.after(() => r?.cleanup());

const mountsUnder = (dir: string): string[] =>
  readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter((l) => l.split(" ")[4]?.startsWith(dir));

/** Processes whose command line contains `marker` (the RUN's own sleep). */
const processesWith = (marker: string): number[] =>
  readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Starts a build whose RUN prints `started` then sleeps; resolves once the RUN is running. */
async function startLongBuild(seconds: number): Promise<{ child: ReturnType<typeof spawn>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> }> {
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nRUN echo started && sleep ${seconds}\n` });
  const child = spawn(kilnLauncher, ["build", "--progress", "plain", "-t", `slow:${seconds}`, ctx], {
    env: { ...process.env, KILN_ROOT: r.root, KILN_BUILD_LINT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((res) =>
    child.on("close", (code, signal) => res({ code, signal, output })),
  );
  child.stdout!.on("data", (d: Buffer) => (output += d));
  child.stderr!.on("data", (d: Buffer) => (output += d));
  for (let i = 0; i < 300 && !/started/.test(output); i++) await sleep(100);
  assert.match(output, /started/, `the RUN never started:\n${output}`);
  return { child, exited };
}

async function assertCleanAfter(marker: string): Promise<void> {
  // the RUN's process tree ends with the build (the sandbox helper watches its parent)
  for (let i = 0; i < 50 && processesWith(marker).length > 0; i++) await sleep(100);
  assert.equal(processesWith(marker), [], `processes of the stopped RUN are still running`);
  assert.equal(mountsUnder(r.root), [], "no mount under KILN_ROOT is left on the host");
  // the store is consistent and usable: the same step now builds and runs
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nRUN echo after > /after\n` });
  buildOk(r, ["-t", "after"], ctx);
  assert.is(runIn(r, "after", "cat", "/after"), "after\n");
  // the stopped run's state directory was removed by the stop itself or by the next kiln
  const runs = join(r.root, "snapshots", "run");
  assert.equal(existsSync(runs) ? readdirSync(runs) : [], [], "no run directory is left behind");
  assert.is(r.kiln(["images", "-q"]).status, 0);
  assert.not.match(r.kiln(["images"]).stdout, /slow/, "an interrupted build names no image");
}

rootTest("Ctrl-C during a RUN stops the build with status 130 and leaves nothing behind", async () => {
  const { child, exited } = await startLongBuild(31337);
  child.kill("SIGINT");
  const { code, output } = await Promise.race([exited, sleep(15000).then(() => ({ code: -1, signal: null, output: "timeout" }))]);
  assert.is(code, 130, output);
  await assertCleanAfter("sleep 31337");
});

rootTest("SIGKILL of kiln during a RUN: the next kiln finds a consistent store and no mounts", async () => {
  const { child, exited } = await startLongBuild(31338);
  child.kill("SIGKILL");
  const { signal } = await exited;
  assert.is(signal, "SIGKILL");
  await assertCleanAfter("sleep 31338");
});

test.run();
