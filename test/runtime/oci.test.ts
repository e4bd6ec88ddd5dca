/**
 * `--runtime runc|crun` (runtime/oci.ts): the same sandbox through a generated OCI bundle, with
 * the real runtimes (root; each skipped when not installed). The container must look as it does
 * in kiln's own sandbox, and leave the same diff.
 */
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { KilnError } from "../../util/errors.js";
import {
  changesToTar,
  cleanupStale,
  createRunDir,
  formatChanges,
  openSnapshotter,
  processStartTime,
  runSandbox,
  runtimeExecError,
  treeChanges,
  type Chain,
  type OciRuntime,
  type SandboxSpec,
  type Snapshotter,
} from "../../runtime/index.js";
import { collect } from "../image/helpers.js";
import { layerOf } from "./conformance.js";
import { busyboxRootfs, Capture, cannotRun, cleanupTemps, hostMountinfo, tempDir } from "./helpers.js";

const here = fileURLToPath(new URL(".", import.meta.url));

const parsing = suite("runtime exec errors");
parsing("runc's and crun's exec failures map to 127 / 126", () => {
  assert.equal(runtimeExecError('time="x" level=error msg="runc run failed: unable to start container process: exec: \\"nosuch\\": executable file not found in $PATH"\n'), {
    exitCode: 127,
    message: 'exec "nosuch": executable file not found in $PATH',
  });
  assert.is(runtimeExecError('msg="runc run failed: unable to start container process: exec: \\"/etc/passwd\\": permission denied"')?.exitCode, 126);
  assert.is(runtimeExecError("executable file `nosuch` not found in $PATH: No such file or directory\n")?.exitCode, 127);
  assert.is(runtimeExecError("open executable: Permission denied\n")?.exitCode, 126);
  assert.is(runtimeExecError("sh: exit 1\n"), undefined);
});
parsing.run();

for (const runtime of ["runc", "crun"] as OciRuntime[]) {
  const s = suite(`--runtime ${runtime}`);
  const installed = spawnSync(runtime, ["--version"], { stdio: "ignore" }).status === 0;
  if (cannotRun || !installed) {
    s.skip(`needs root, busybox, the helper and ${runtime}`, () => {});
    s.run();
    continue;
  }
  let state = "";
  let snap: Snapshotter;
  let chain: Chain;
  s.before(async () => {
    state = tempDir("kiln-oci-");
    const rootfs = busyboxRootfs();
    snap = openSnapshotter("overlay", { root: join(state, "snapshots") });
    chain = await snap.prepare([layerOf(await collect(changesToTar(treeChanges(rootfs), rootfs)))]);
  });
  s.after(() => cleanupTemps());

  async function run(script: string, extra: Partial<SandboxSpec> = {}) {
    const dir = createRunDir(state);
    try {
      const active = await snap.activate(chain, dir.path);
      const stdout = new Capture();
      const stderr = new Capture();
      const r = await runSandbox({ runtime, rootfs: active.spec, args: ["sh", "-c", script], runDir: dir.path, stdout, stderr, ...extra });
      return { ...r, out: stdout.text, err: stderr.text, diff: formatChanges(await active.changes(r.created)) };
    } finally {
      dir.remove();
    }
  }

  s("pid 1, hostname and provided files, users and groups, working dir, HOME, network none, exit code", async () => {
    const before = hostMountinfo();
    const r = await run("echo $$; hostname; cat /etc/hostname; grep box /etc/hosts; id; pwd; echo $HOME; ls /sys/class/net; exit 7", { hostname: "box", user: "app", cwd: "/w/x" });
    assert.is(r.exitCode, 7, r.err);
    assert.is(r.out, "1\nbox\nbox\n127.0.1.1\tbox\nuid=1000(app) gid=1000(app) groups=10(wheel),50(staff),1000(app)\n/w/x\n/home/app\nlo\n");
    assert.is(r.diff, "A /w\nA /w/x\n", "only the working directory is a change: mount points are not");
    const g = await run("id", { user: "1000:10" });
    assert.is(g.out, "uid=1000(app) gid=10(wheel) groups=10(wheel)\n");
    assert.is(hostMountinfo(), before);
  });

  s("capabilities, masked and read-only paths as in kiln's own sandbox (Docker's)", async () => {
    const r = await run("grep -E '^Cap(Eff|Bnd)' /proc/self/status | cut -f2 | tr '\\n' ' '; echo h > /proc/sys/kernel/hostname 2>/dev/null || echo refused; grep -c ' /proc/keys ' /proc/self/mountinfo");
    assert.is(r.out, "00000000a80425fb 00000000a80425fb refused\n1\n", r.err);
  });

  s("changes come out as in kiln's own sandbox", async () => {
    const r = await run("echo new > /new && rm /etc/group && mkdir -p /a/b && echo x >> /etc/passwd && chown 1000 /new");
    assert.is(r.exitCode, 0, r.err);
    assert.is(r.diff, "A /a\nA /a/b\nC /etc\nD /etc/group\nC /etc/passwd\nA /new\n");
  });

  s("unknown user is a typed error; exec failures are 127 and 126", async () => {
    try {
      await run("true", { user: "nosuch" });
      assert.unreachable("no error");
    } catch (err) {
      assert.instance(err, KilnError);
      assert.is((err as KilnError).code, "unknown-user");
    }
    const missing = await run("", { args: ["no-such-command"] });
    assert.is(missing.exitCode, 127);
    assert.match(missing.execError ?? "", /not found/);
    assert.is((await run("", { args: ["/etc/passwd"] })).exitCode, 126);
  });

  s("volumes, read-only volumes", async () => {
    const v = tempDir("kiln-oci-vol-");
    const r = await run("echo w > /rw/f; touch /ro/x 2>/dev/null || echo ro", { mounts: [{ source: v, target: "/rw" }, { source: v, target: "/ro", readonly: true }] });
    assert.is(r.out, "ro\n", r.err);
    assert.equal(readdirSync(v), ["f"]);
  });

  s("timeout and abort end the container", async () => {
    const t0 = Date.now();
    // 2 s: long enough for runc/crun to have started the container even on a loaded machine
    // (a kill while the runtime is still creating it is another case, not this one's)
    const r = await run("sleep 30 & sleep 30", { timeoutMs: 2000 });
    assert.ok(r.timedOut);
    assert.is(r.exitCode, 137);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 2000);
    const a = await run("sleep 30", { signal: ac.signal, killAfterMs: 300 });
    assert.is(a.exitCode, 137);
    assert.ok(Date.now() - t0 < 20000);
  });

  s("abort and timeout while the runtime is still creating the container: the container is killed (137), not the runtime", async () => {
    const t0 = Date.now();
    const aborted = new AbortController();
    aborted.abort(); // before the runtime has even started
    const a = await run("sleep 30", { signal: aborted.signal, killAfterMs: 200 });
    assert.is(a.exitCode, 137, a.err);
    const t = await run("sleep 30", { timeoutMs: 1 });
    assert.ok(t.timedOut);
    assert.is(t.exitCode, 137, t.err);
    assert.ok(Date.now() - t0 < 20000, "ended promptly");
  });

  s("SIGKILL of kiln: no mount leaks, and the next kiln's cleanup deletes the container and its processes", async () => {
    const before = hostMountinfo();
    const script = join(tempDir("kiln-oci-child-"), "child.mjs");
    writeFileSync(
      script,
      `import { mkdirSync } from "node:fs";
import { createRunDir, runSandbox } from ${JSON.stringify(join(here, "../../runtime/index.js"))};
const dir = createRunDir(${JSON.stringify(state)});
for (const d of ["upper", "work", "mnt"]) mkdirSync(dir.path + "/" + d);
const rootfs = { kind: "overlay", lower: ${JSON.stringify([...chain.dirs].reverse())}, upper: dir.path + "/upper", work: dir.path + "/work", target: dir.path + "/mnt" };
await runSandbox({ runtime: ${JSON.stringify(runtime)}, rootfs, args: ["sh", "-c", "echo started; sleep 4711 & sleep 4711"], runDir: dir.path });
`,
    );
    const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("started")) resolve();
      });
      child.on("exit", () => reject(new Error("the child ended before starting")));
    });
    await new Promise((r) => setTimeout(r, 200));
    const sleepers = findSleepers();
    assert.ok(sleepers.length >= 2, `expected the container's sleeps, saw ${sleepers.length}`);
    child.kill("SIGKILL");
    // "exit", not "close": a surviving container may still hold the inherited stdout
    await new Promise((r) => child.on("exit", r));
    assert.is(hostMountinfo(), before, "mounts leaked to the host");
    const removed = cleanupStale(state);
    assert.ok(removed.length >= 1);
    const deadline = Date.now() + 5000;
    while (sleepers.some((p) => processStartTime(p) !== undefined) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sleepers.filter((p) => processStartTime(p) !== undefined), [], "container processes outlived the cleanup");
    assert.equal(readdirSync(join(state, "run")), []);
    assert.is((await run("echo again")).out, "again\n");
  });

  s.run();
}

/** The container's `sleep 4711` processes, found in /proc (runc's container is not below kiln). */
function findSleepers(): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "utf8") === "sleep\u00004711\u0000") out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}
