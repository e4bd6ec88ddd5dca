/** `kiln run`, `kiln diff`, `kiln commit` end to end through the bundled CLI (root). */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as assert from "uvu/assert";
import { changesToTar, processStartTime, treeChanges } from "../../runtime/index.js";
import { repoRoot } from "../helpers/paths.js";
import { collect } from "../image/helpers.js";
import { busyboxRootfs, cannotRun, cleanupTemps, descendants, hostMountinfo, rootTest, tempDir } from "./helpers.js";
import { test } from "uvu";

const kiln = join(repoRoot, "dist", "kiln.mjs");
let root = "";

function k(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [kiln, "--root", root, ...args], { encoding: "utf8", input: input ?? "" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test.before(async () => {
  if (cannotRun) return;
  root = join(tempDir("kiln-cli-"), "root");
  const rootfs = busyboxRootfs();
  const tar = join(tempDir("kiln-cli-tar-"), "busybox.tar");
  writeFileSync(tar, await collect(changesToTar(treeChanges(rootfs), rootfs)));
  const r = k(["import", tar, "busybox", "-c", 'CMD ["echo", "default cmd"]', "-c", "ENV FROM_IMAGE=yes"]);
  assert.is(r.code, 0, r.err);
});
test.after(() => cleanupTemps());

rootTest("kiln run: exit code, CMD, --entrypoint, env, user, workdir, options of the command", () => {
  assert.is(k(["run", "--rm", "busybox", "sh", "-c", "exit 7"]).code, 7);
  assert.is(k(["run", "--rm", "busybox"]).out, "default cmd\n");
  assert.is(k(["run", "--rm", "--entrypoint", "echo", "busybox"]).out, "\n"); // --entrypoint resets CMD
  assert.is(k(["run", "--rm", "--entrypoint", "echo", "busybox", "a", "-n"]).out, "a -n\n");
  const r = k(["run", "--rm", "-e", "A=1", "-w", "/x/y", "-u", "app", "--hostname", "hh", "busybox", "sh", "-c", "echo $A $FROM_IMAGE $HOSTNAME; pwd; id -u"]);
  assert.is(r.out, "1 yes hh\n/x/y\n1000\n", r.err);
  const missing = k(["run", "--rm", "busybox", "nosuch"]);
  assert.is(missing.code, 127);
  assert.match(missing.err, /executable file not found/);
  assert.is(k(["run", "--rm", "-i", "busybox", "cat"], "piped\n").out, "piped\n");
});

rootTest("kiln run --runtime runc|crun: the same container through an OCI bundle", () => {
  for (const runtime of ["runc", "crun"]) {
    if (spawnSync(runtime, ["--version"], { stdio: "ignore" }).status !== 0) continue;
    const r = k(["run", "--rm", "--runtime", runtime, "-u", "app", "-w", "/w", "--hostname", "oci", "busybox", "sh", "-c", "id -u; pwd; hostname; echo $FROM_IMAGE; exit 5"]);
    assert.is(r.code, 5, r.err);
    assert.is(r.out, "1000\n/w\noci\nyes\n");
    assert.is(k(["run", "--rm", "--runtime", runtime, "busybox", "nosuch"]).code, 127);
  }
  assert.equal(readdirSync(join(root, "snapshots", "run")), []);
  const bad = k(["run", "--rm", "--runtime", "youki", "busybox", "true"]);
  assert.is(bad.code, 2);
  assert.match(bad.err, /--runtime must be kiln, runc or crun/);
});

rootTest("kiln run: -e K from the host, --env-file, -v (rw and :ro), --network none, --timeout", () => {
  const dir = tempDir("kiln-cli-v-");
  writeFileSync(join(dir, "env"), "# comment\nFILE_A=from file\nFILE_B=b\n");
  writeFileSync(join(dir, "data"), "on the host\n");
  const r = spawnSync(
    process.execPath,
    [kiln, "--root", root, "run", "--rm", "-e", "HOST_ONLY", "--env-file", join(dir, "env"), "-e", "FILE_B=flag wins", "-v", `${dir}:/mnt/rw`, "-v", `${dir}:/mnt/ro:ro`, "--network", "none",
      "busybox", "sh", "-c", 'echo "$HOST_ONLY|$FILE_A|$FILE_B"; cat /mnt/ro/data; echo new > /mnt/rw/made; touch /mnt/ro/x 2>/dev/null || echo ro; ls /sys/class/net'],
    { encoding: "utf8", env: { ...process.env, HOST_ONLY: "from host" } },
  );
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, "from host|from file|flag wins\non the host\nro\nlo\n");
  assert.is(readFileSync(join(dir, "made"), "utf8"), "new\n");
  const t0 = Date.now();
  const slow = k(["run", "--rm", "--timeout", "0.5", "busybox", "sh", "-c", "sleep 30 & sleep 30"]);
  assert.is(slow.code, 137, slow.err);
  assert.match(slow.err, /killed after --timeout 0\.5s/);
  assert.ok(Date.now() - t0 < 10_000, "--timeout did not end the run");
  assert.equal(readdirSync(join(root, "snapshots", "run")), []);
});

rootTest("kiln run without --rm keeps the container; diff and commit", () => {
  const r = k(["run", "busybox", "sh", "-c", "echo x > /new && rm /etc/group && mkdir -p /a/b"]);
  assert.is(r.code, 0, r.err);
  const id = r.err.trim().split("\n").pop()!;
  assert.match(id, /^[0-9a-f]{12}$/);
  assert.is(k(["diff", id]).out, "A /a\nA /a/b\nC /etc\nD /etc/group\nA /new\n");
  const c = k(["commit", id, "mine:1"]);
  assert.is(c.code, 0, c.err);
  assert.is(k(["run", "--rm", "mine:1", "sh", "-c", "cat /new; test -e /etc/group || echo gone; ls /a"]).out, "x\ngone\nb\n");
  // --rm leaves nothing behind
  const before = readdirSync(join(root, "snapshots", "containers")).length;
  k(["run", "--rm", "busybox", "true"]);
  assert.is(readdirSync(join(root, "snapshots", "containers")).length, before);
  assert.equal(readdirSync(join(root, "snapshots", "run")), []);
});

/** Starts `kiln run --rm busybox sh -c SCRIPT` and resolves once it printed "started" and its tree is up. */
async function startRun(script: string, minProcs: number) {
  const child = spawn(process.execPath, [kiln, "--root", root, "run", "--rm", "busybox", "sh", "-c", `${script}`], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("started")) resolve();
    });
    child.on("close", () => reject(new Error(`kiln run ended before starting: ${err}`)));
  });
  let tree = descendants(child.pid!);
  for (let i = 0; i < 100 && tree.length < minProcs; i++) {
    await new Promise((r) => setTimeout(r, 20));
    tree = descendants(child.pid!);
  }
  assert.ok(tree.length >= minProcs, `expected ${minProcs} processes under kiln, saw ${tree.length}`);
  const closed = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  return { child, tree, closed, stderr: () => err };
}

async function allGone(pids: number[]): Promise<number[]> {
  const deadline = Date.now() + 5000;
  let alive = pids;
  while ((alive = pids.filter((p) => processStartTime(p) !== undefined)).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return alive;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  rootTest(`kiln run: ${signal} to kiln ends the whole process tree in the container, and kiln cleans up`, async () => {
    const before = hostMountinfo();
    // a background sleep, a foreground one, and a shell that ignores the signal
    const { child, tree, closed, stderr } = await startRun(`trap '' INT TERM; sleep 60 & echo started; sleep 60`, 3);
    const t0 = Date.now();
    child.kill(signal);
    const code = await closed;
    assert.ok(Date.now() - t0 < 5000, "kiln took too long to end");
    assert.is(code, 137, stderr()); // the signal was ignored: SIGKILL after the grace period
    assert.equal(await allGone(tree), [], "container processes outlived kiln");
    assert.is(hostMountinfo(), before);
    assert.equal(readdirSync(join(root, "snapshots", "run")), []);
  });
}

rootTest("kiln run: SIGKILL of kiln kills the container, leaks no mount; the next kiln run cleans up and works", async () => {
  const before = hostMountinfo();
  const { child, tree, closed } = await startRun("sleep 60 & echo started; sleep 60", 3);
  child.kill("SIGKILL");
  await closed;
  assert.equal(await allGone(tree), [], "container processes outlived kiln");
  assert.is(hostMountinfo(), before, "mounts leaked to the host");
  assert.is(readdirSync(join(root, "snapshots", "run")).length, 1, "the killed run's directory is left for the next kiln");
  const next = k(["run", "--rm", "busybox", "echo", "again"]);
  assert.is(next.out, "again\n", next.err);
  assert.equal(readdirSync(join(root, "snapshots", "run")), []);
});

test.run();
