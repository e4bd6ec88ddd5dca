/**
 * The namespace sandbox, for real (root; a busybox rootfs made from the host's static busybox).
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, readdirSync, chmodSync, chownSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { KilnError } from "../../util/errors.js";
import { createTar } from "../../image/tar.js";
import { opaqueWhiteoutEntry, whiteoutEntry } from "../../image/whiteout.js";
import { collect } from "../image/helpers.js";
import { cleanupStale, createRunDir, runSandbox, processStartTime, type SandboxSpec } from "../../runtime/index.js";
import { busyboxRootfs, Capture, cleanupTemps, descendants, hostMountinfo, isRoot, rootTest, tempDir, cannotRun } from "./helpers.js";

let rootfs = "";
let state = "";
test.before(() => {
  if (cannotRun) return;
  rootfs = busyboxRootfs();
  state = tempDir("kiln-state-");
});
test.after(() => cleanupTemps());

async function run(script: string, extra: Partial<SandboxSpec> = {}) {
  const dir = createRunDir(state);
  const stdout = new Capture();
  const stderr = new Capture();
  try {
    const result = await runSandbox({ rootfs: { kind: "bind", dir: rootfs }, args: ["sh", "-c", script], runDir: dir.path, stdout, stderr, ...extra });
    return { ...result, out: stdout.text, err: stderr.text };
  } finally {
    dir.remove();
  }
}

rootTest("pid 1 is the command's shell", async () => {
  const r = await run("echo $$; cat /proc/1/cmdline | tr '\\0' ' '");
  assert.is(r.exitCode, 0, r.err);
  assert.is(r.out, "1\nsh -c echo $$; cat /proc/1/cmdline | tr '\\0' ' ' ");
});

rootTest("new mount, pid, uts, ipc namespaces; a new net namespace for none, the host's for host", async () => {
  const kinds = ["mnt", "pid", "uts", "ipc", "net", "user", "cgroup"];
  const script = kinds.map((k) => `readlink /proc/self/ns/${k}`).join("; ");
  const host = (k: string) => spawnSync("readlink", [`/proc/self/ns/${k}`], { encoding: "utf8" }).stdout.trim();
  for (const network of ["none", "host"] as const) {
    const r = await run(script, { network });
    assert.is(r.exitCode, 0, r.err);
    const inside = r.out.trim().split("\n");
    kinds.forEach((k, i) => {
      const fresh = ["mnt", "pid", "uts", "ipc"].includes(k) || (k === "net" && network === "none");
      assert.is(inside[i]!.startsWith(`${k}:[`), true, inside[i]);
      if (fresh) assert.is.not(inside[i], host(k), `${k} namespace shared with the host (network ${network})`);
      else assert.is(inside[i], host(k), `${k} namespace differs from the host's (network ${network})`);
    });
  }
});

rootTest("capabilities are Docker's defaults: root cannot mount or reach the host kernel; other users have none", async () => {
  const docker = "00000000a80425fb"; // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP
  const root = await run("grep -E '^Cap(Prm|Eff|Bnd)' /proc/self/status | cut -f2 | tr '\\n' ' '; mkdir -p /m; mount -t tmpfs t /m 2>/dev/null && echo mounted || echo no-mount; chown 1000 /tmp && echo chown");
  assert.is(root.out, `${docker} ${docker} ${docker} no-mount\nchown\n`, root.err);
  const app = await run("grep -E '^Cap(Prm|Eff|Bnd)' /proc/self/status | cut -f2 | tr '\\n' ' '", { user: "app" });
  assert.is(app.out, `0000000000000000 0000000000000000 ${docker} `);
});

rootTest("host processes are invisible", async () => {
  const r = await run("ls /proc | grep -c '^[0-9]'");
  assert.is(r.exitCode, 0, r.err);
  // sh, ls and grep at most
  assert.ok(Number(r.out.trim()) <= 3, `saw ${r.out.trim()} processes`);
});

rootTest("hostname is the container's, /etc/hostname and /etc/hosts provided, image files untouched", async () => {
  const r = await run("hostname; cat /etc/hostname; grep box /etc/hosts; echo nameserver 1.2.3.4 > /etc/resolv.conf", { hostname: "box" });
  assert.is(r.exitCode, 0, r.err);
  assert.is(r.out, "box\nbox\n127.0.1.1\tbox\n");
  // the image had no such files: empty mount points were created and reported, and stayed empty
  assert.equal(readFileSync(join(rootfs, "etc/hostname"), "utf8"), "");
  assert.equal(readFileSync(join(rootfs, "etc/resolv.conf"), "utf8"), "");
  for (const p of ["/etc/hostname", "/etc/hosts", "/etc/resolv.conf"]) assert.ok(r.created.includes(p) || existsSync(join(rootfs, p)));
});

rootTest("created mount points are reported", async () => {
  const fresh = busyboxRootfs();
  const dir = createRunDir(state);
  const r = await runSandbox({ rootfs: { kind: "bind", dir: fresh }, args: ["true"], runDir: dir.path, stdout: new Capture() });
  dir.remove();
  assert.is(r.exitCode, 0);
  assert.equal([...r.created].sort(), ["/dev", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/proc", "/sys"]);
});

rootTest("mounts never appear on the host, before, during or after", async () => {
  const before = hostMountinfo();
  const stdin = new PassThrough();
  const stdout = new Capture();
  const dir = createRunDir(state);
  let during = "";
  const ready = new Promise<void>((resolve) => {
    const orig = stdout._write.bind(stdout);
    stdout._write = (chunk, enc, cb) => {
      orig(chunk, enc, cb);
      if (stdout.text.includes("ready")) resolve();
    };
  });
  const running = runSandbox({ rootfs: { kind: "bind", dir: rootfs }, args: ["sh", "-c", "mount -t tmpfs t /mnt 2>/dev/null || mkdir -p /mnt2; echo ready; read x"], runDir: dir.path, stdin, stdout });
  await ready;
  during = hostMountinfo();
  stdin.end("go\n");
  const r = await running;
  dir.remove();
  assert.is(r.exitCode, 0);
  const after = hostMountinfo();
  assert.is(during, before, "host mount table changed while the sandbox ran");
  assert.is(after, before);
  assert.not.ok(during.includes(rootfs));
});

rootTest("the requested user and groups", async () => {
  const cases: [string, string][] = [
    ["", "uid=0(root) gid=0(root) groups=0(root)"],
    ["app", "uid=1000(app) gid=1000(app) groups=10(wheel),50(staff),1000(app)"],
    ["1000", "uid=1000(app) gid=1000(app) groups=10(wheel),50(staff),1000(app)"],
    ["app:staff", "uid=1000(app) gid=50(staff) groups=50(staff)"],
    ["1000:10", "uid=1000(app) gid=10(wheel) groups=10(wheel)"],
    ["nobody", "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)"],
    ["4242", "uid=4242 gid=0(root) groups=0(root)"],
  ];
  for (const [user, want] of cases) {
    const r = await run("id; echo $HOME", user ? { user } : {});
    assert.is(r.exitCode, 0, r.err);
    const [id, home] = r.out.split("\n");
    assert.is(id, want, `user ${JSON.stringify(user)}`);
    assert.is(home, user === "app" || user === "1000" || user === "app:staff" || user === "1000:10" ? "/home/app" : user === "nobody" ? "/nonexistent" : user === "4242" ? "/" : "/root");
  }
});

rootTest("unknown user or group is a typed error", async () => {
  for (const user of ["nosuch", "app:nosuch"]) {
    try {
      await run("true", { user });
      assert.unreachable("no error");
    } catch (err) {
      assert.instance(err, KilnError);
      assert.is((err as KilnError).code, "unknown-user");
    }
  }
});

rootTest("exit codes and signals propagate", async () => {
  assert.is((await run("exit 42")).exitCode, 42);
  assert.is((await run("false")).exitCode, 1);
  assert.is((await run("sh -c 'kill -9 $$'; exit $?")).exitCode, 137);
  const missing = await run("true", { args: ["no-such-command"] });
  assert.is(missing.exitCode, 127);
  assert.match(missing.execError ?? "", /executable file not found in \$PATH/);
  const notExec = await run("true", { args: ["/etc/passwd"] });
  assert.is(notExec.exitCode, 126);
});

rootTest("pid 1 killed by a signal from outside gives 128+N", async () => {
  const dir = createRunDir(state);
  const stdout = new Capture();
  const running = runSandbox({ rootfs: { kind: "bind", dir: rootfs }, args: ["sh", "-c", "echo started; exec sleep 30"], runDir: dir.path, stdout });
  while (!stdout.text.includes("started")) await new Promise((r) => setTimeout(r, 10));
  // "started" comes before the exec: wait for sleep to be there (a loaded machine is slow)
  let pid: number | undefined;
  for (let i = 0; i < 500 && pid === undefined; i++) {
    pid = findChildByComm("sleep");
    if (pid === undefined) await new Promise((r) => setTimeout(r, 10));
  }
  if (pid === undefined) {
    for (const p of [findChildByComm("sh"), findChildByComm("kiln-sandbox")]) if (p) process.kill(p, "SIGKILL");
    await running.catch(() => {});
    dir.remove();
    assert.unreachable("no sleep child");
  }
  process.kill(pid!, "SIGKILL");
  const r = await running;
  dir.remove();
  assert.is(r.exitCode, 137);
  assert.is(r.signal, 9);
});

/** The host pid of a descendant of this process running `comm`, if any. */
function findChildByComm(comm: string): number | undefined {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, "utf8").trim() !== comm) continue;
      // a descendant: walk ppids up to us
      let p = Number(name);
      for (let i = 0; i < 5 && p > 1; i++) {
        const stat = readFileSync(`/proc/${p}/stat`, "utf8");
        p = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (p === process.pid) return Number(name);
      }
    } catch {
      // gone
    }
  }
  return undefined;
}

rootTest("env, default PATH, working directory created", async () => {
  const r = await run("echo $PATH; echo $FOO; pwd; ls -ld /work/a/b | cut -c1-10", { env: ["FOO=bar baz"], cwd: "/work/a/b" });
  assert.is(r.exitCode, 0, r.err);
  assert.is(r.out, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nbar baz\n/work/a/b\ndrwxr-xr-x\n");
  const p = await run("echo $PATH", { env: ["PATH=/bin"] });
  assert.is(p.out, "/bin\n");
});

rootTest("stdout and stderr are separate streams", async () => {
  const r = await run("echo out; echo err >&2");
  assert.is(r.out, "out\n");
  assert.is(r.err, "err\n");
});

rootTest("minimal /dev, read-only /sys, /proc", async () => {
  const r = await run("ls /dev | tr '\\n' ' '; echo x > /dev/null && echo null-ok; head -c 4 /dev/zero | wc -c; touch /sys/x 2>/dev/null || echo sys-ro; test -c /dev/pts/ptmx && echo pts; grep -q ' / ' /proc/self/mountinfo && echo proc");
  assert.is(r.exitCode, 0, r.err);
  assert.is(r.out, "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero null-ok\n4\nsys-ro\npts\nproc\n");
});

/** Docker's masked and read-only /proc and /sys paths (kiln-sandbox.c; oci.ts gives runc/crun the same lists). */
const MASKED_PATHS = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"];
const READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

rootTest("/proc and /sys paths that reach the host are masked or read-only, as Docker's", async () => {
  const r = await run("cut -d' ' -f5,6 /proc/self/mountinfo; echo h > /proc/sys/kernel/hostname 2>/dev/null || echo refused");
  assert.is(r.exitCode, 0, r.err);
  const mounts = new Map(r.out.trim().split("\n").filter((l) => l.startsWith("/")).map((l) => l.split(" ") as [string, string]));
  for (const p of MASKED_PATHS.filter((p) => existsSync(p))) assert.ok(mounts.has(p), `${p} is not masked`);
  for (const p of READONLY_PATHS.filter((p) => existsSync(p))) assert.match(mounts.get(p) ?? "", /^ro,/, `${p} is not read-only`);
  assert.match(r.out, /refused\n$/);
});

rootTest("network none has only loopback, up; host shares the host's", async () => {
  const none = await run("ls /sys/class/net; cat /sys/class/net/lo/flags");
  assert.is(none.out, "lo\n0x9\n"); // IFF_UP | IFF_LOOPBACK
  const host = await run("ls /sys/class/net | wc -l", { network: "host" });
  const hostCount = readdirSync("/sys/class/net").length;
  assert.is(Number(host.out.trim()), hostCount);
});

rootTest("escapes: symlinked mount points, working dir and volume targets stay inside", async () => {
  const fresh = busyboxRootfs();
  const outside = tempDir("kiln-outside-");
  writeFileSync(join(outside, "secret"), "host secret\n");
  symlinkSync(`/../../../../..${outside}/secret`, join(fresh, "etc/hostname"));
  symlinkSync(`../../../../../..${outside}`, join(fresh, "wd"));
  symlinkSync(`/../..${outside}/volume`, join(fresh, "vol"));
  const vsrc = tempDir("kiln-vol-");
  writeFileSync(join(vsrc, "v"), "volume\n");
  const dir = createRunDir(state);
  const stdout = new Capture();
  const r = await runSandbox({
    rootfs: { kind: "bind", dir: fresh },
    args: ["sh", "-c", "pwd; cat /vol/v; ls /..; echo pwn > x; cat /etc/hostname 2>&1 | head -1"],
    cwd: "/wd/sub",
    mounts: [{ source: vsrc, target: "/vol" }],
    runDir: dir.path,
    stdout,
    stderr: new Capture(),
  });
  dir.remove();
  assert.is(r.exitCode, 0);
  const lines = stdout.text.split("\n");
  assert.is(lines[0], `${outside}/sub`); // the link was followed inside the root
  assert.is(lines[1], "volume");
  // nothing was written outside the rootfs
  assert.equal(readdirSync(outside), ["secret"]);
  assert.is(readFileSync(join(outside, "secret"), "utf8"), "host secret\n");
  // the working dir and the volume landed inside the rootfs (re-rooted symlinks)
  assert.ok(existsSync(join(fresh, outside, "sub/x")));
  assert.ok(existsSync(join(fresh, outside, "volume")));
});

rootTest("read-only volumes", async () => {
  const vsrc = tempDir("kiln-vol-");
  const r = await run("touch /data/x 2>/dev/null && echo rw || echo ro", { mounts: [{ source: vsrc, target: "/data", readonly: true }] });
  assert.is(r.out, "ro\n");
  const w = await run("touch /data/x && echo rw", { mounts: [{ source: vsrc, target: "/data" }] });
  assert.is(w.out, "rw\n");
  assert.ok(existsSync(join(vsrc, "x")));
});

rootTest("timeout kills the whole tree", async () => {
  const t0 = Date.now();
  const r = await run("sleep 30 & sleep 30", { timeoutMs: 300 });
  assert.ok(r.timedOut);
  assert.is(r.exitCode, 137);
  assert.ok(Date.now() - t0 < 5000);
});

rootTest("abort ends the sandbox (SIGTERM, then SIGKILL after the grace period)", async () => {
  const ac = new AbortController();
  const t0 = Date.now();
  setTimeout(() => ac.abort(), 200);
  const r = await run("sleep 30", { signal: ac.signal, killAfterMs: 300 });
  // sh as pid 1 has no TERM handler: the kernel ignores TERM for it, so the grace period ends it
  assert.is(r.exitCode, 137);
  assert.ok(Date.now() - t0 < 5000);
  const trapped = await run("trap 'exit 7' TERM; echo ready; sleep 30 & wait", {
    signal: AbortSignal.timeout(300),
    killAfterMs: 5000,
  });
  assert.is(trapped.exitCode, 7);
});

const here = fileURLToPath(new URL(".", import.meta.url));

rootTest("SIGKILL of kiln during a run: nothing survives, the next kiln cleans up and runs", async () => {
  const before = hostMountinfo();
  const script = join(tempDir("kiln-child-"), "child.mjs");
  const runtimeIndex = join(here, "../../runtime/index.js");
  writeFileSync(
    script,
    `import { createRunDir, runSandbox } from ${JSON.stringify(runtimeIndex)};
const dir = createRunDir(${JSON.stringify(state)});
await runSandbox({ rootfs: { kind: "bind", dir: ${JSON.stringify(rootfs)} }, args: ["sh", "-c", "echo $$ > /tmp/inner; echo started; sleep 60 & sleep 60"], runDir: dir.path });
`,
  );
  const child = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("started")) resolve();
    });
  });
  let sleepers = descendants(child.pid!);
  for (let i = 0; i < 100 && sleepers.length < 3; i++) {
    await new Promise((r) => setTimeout(r, 20));
    sleepers = descendants(child.pid!);
  }
  assert.ok(sleepers.length >= 3, `expected the helper and two sleeps (sh execs the last), got ${sleepers.length}`);
  child.kill("SIGKILL");
  await new Promise((r) => child.on("close", r));
  // every process of the sandbox dies with kiln
  const deadline = Date.now() + 3000;
  while (sleepers.some((p) => processStartTime(p) !== undefined) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(sleepers.filter((p) => processStartTime(p) !== undefined), [], "sandbox processes outlived kiln");
  assert.is(hostMountinfo(), before, "mounts leaked to the host");
  // the next kiln removes the dead run's directory, and runs
  const removed = cleanupStale(state);
  assert.ok(removed.length >= 1);
  assert.equal(readdirSync(join(state, "run")), []);
  const r = await run("echo again");
  assert.is(r.out, "again\n");
});

rootTest("without root: a user namespace maps the caller to root", async () => {
  if (!existsSync("/usr/bin/setpriv")) return;
  const base = tempDir("kiln-rootless-");
  chmodSync(base, 0o755);
  const fresh = join(base, "rootfs");
  const { makeBusyboxRootfs } = await import("../../runtime/index.js");
  makeBusyboxRootfs(fresh);
  const st = join(base, "state");
  mkdirSync(st);
  chownR(base, 65534);
  const script = join(base, "child.mjs");
  const runtimeIndex = join(here, "../../runtime/index.js");
  writeFileSync(
    script,
    `import { createRunDir, runSandbox } from ${JSON.stringify(runtimeIndex)};
const dir = createRunDir(${JSON.stringify(st)});
const r = await runSandbox({ rootfs: { kind: "bind", dir: ${JSON.stringify(fresh)} }, args: ["sh", "-c", "id -u; echo $$; hostname"], hostname: "rl", runDir: dir.path });
dir.remove();
process.exit(r.exitCode);
`,
  );
  chmodSync(script, 0o644);
  const child = spawn("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, script], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c));
  child.stderr.on("data", (c: Buffer) => (err += c));
  const code = await new Promise((r) => child.on("close", r));
  assert.is(code, 0, err);
  assert.is(out, "0\n1\nrl\n");
});

rootTest("without root: overlay in a user namespace (userxattr): whiteouts, opaque dirs, a run's changes", async () => {
  if (!existsSync("/usr/bin/setpriv")) return;
  const base = tempDir("kiln-rootless-ovl-");
  chmodSync(base, 0o755);
  const bb = join(base, "bb");
  const { makeBusyboxRootfs, changesToEntries, treeChanges } = await import("../../runtime/index.js");
  makeBusyboxRootfs(bb);
  const lower = [...changesToEntries(treeChanges(bb), bb), { type: "directory" as const, path: "opt/old", mode: 0o755 }, { type: "file" as const, path: "opt/old/a", body: Buffer.from("a\n") }];
  const upper = [{ type: "directory" as const, path: "opt/old", mode: 0o755 }, opaqueWhiteoutEntry("opt/old"), { type: "file" as const, path: "opt/old/c", body: Buffer.from("c\n") }, whiteoutEntry("etc/group")];
  writeFileSync(join(base, "l1.tar"), await collect(createTar(lower)));
  writeFileSync(join(base, "l2.tar"), await collect(createTar(upper)));
  mkdirSync(join(base, "state"));
  const script = join(base, "child.mjs");
  writeFileSync(
    script,
    `import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { createRunDir, formatChanges, openSnapshotter, runSandbox } from ${JSON.stringify(join(here, "../../runtime/index.js"))};
import { digestOf } from ${JSON.stringify(join(here, "../../image/digest.js"))};
const layer = (f) => { const b = readFileSync(${JSON.stringify(base)} + "/" + f); return { diffId: digestOf(b), open: () => Readable.from([b]) }; };
const snap = openSnapshotter("overlay", { root: ${JSON.stringify(join(base, "state", "snapshots"))} });
const chain = await snap.prepare([layer("l1.tar"), layer("l2.tar")]);
const dir = createRunDir(${JSON.stringify(join(base, "state"))});
const active = await snap.activate(chain, dir.path);
const r = await runSandbox({ rootfs: active.spec, args: ["sh", "-c", "id -u; ls /opt/old; test -e /etc/group || echo gone; echo hi > /new; rm /etc/passwd"], runDir: dir.path });
process.stdout.write(formatChanges(await active.changes(r.created)));
dir.remove();
process.exit(r.exitCode);
`,
  );
  chownR(base, 65534);
  const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, script], { encoding: "utf8", timeout: 60_000 });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, "0\nc\ngone\nC /etc\nD /etc/passwd\nA /new\n");
  assert.equal(readdirSync(join(base, "state", "run")), [], "the run dir (overlay's mode-000 work dir included) was removed");
});

/**
 * Runs argv as uid 65534 inside a fresh user namespace (root and 65534 mapped) whose own
 * user.max_user_namespaces is 0: exactly a host with user namespaces disabled, for that process
 * only (the limit is per user namespace; the host's stays as it is).
 */
const NO_USERNS = `
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
r, w = os.pipe(); r2, w2 = os.pipe()
pid = os.fork()
if pid == 0:
    if libc.unshare(0x10000000) != 0: os._exit(90)  # CLONE_NEWUSER
    os.write(w, b"x"); os.read(r2, 1)
    with open("/proc/sys/user/max_user_namespaces", "w") as f: f.write("0")
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
    os.execvp(sys.argv[1], sys.argv[1:])
os.read(r, 1)
for m in ("uid_map", "gid_map"):
    with open(f"/proc/{pid}/{m}", "w") as f: f.write("0 0 1\\n65534 65534 1\\n")
os.write(w2, b"x")
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
`;

rootTest("without root where user namespaces are disabled: a typed error naming the sysctl", async () => {
  if (spawnSync("python3", ["--version"], { stdio: "ignore" }).status !== 0) return;
  const base = tempDir("kiln-nouserns-");
  chmodSync(base, 0o755);
  const fresh = join(base, "rootfs");
  const { makeBusyboxRootfs } = await import("../../runtime/index.js");
  makeBusyboxRootfs(fresh);
  mkdirSync(join(base, "state"));
  const script = join(base, "child.mjs");
  writeFileSync(
    script,
    `import { createRunDir, runSandbox } from ${JSON.stringify(join(here, "../../runtime/index.js"))};
const dir = createRunDir(${JSON.stringify(join(base, "state"))});
try {
  await runSandbox({ rootfs: { kind: "bind", dir: ${JSON.stringify(fresh)} }, args: ["true"], runDir: dir.path });
  console.log("ran");
} catch (err) {
  console.log(err.code + ": " + err.message);
}
dir.remove();
`,
  );
  chownR(base, 65534);
  const r = spawnSync("python3", ["-c", NO_USERNS, process.execPath, script], { encoding: "utf8", timeout: 30_000 });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /^userns-unavailable: user namespaces are disabled: set the sysctl user\.max_user_namespaces to a positive number/);
});

function chownR(p: string, uid: number): void {
  chownSync(p, uid, uid);
  for (const e of readdirSync(p, { withFileTypes: true })) {
    const c = join(p, e.name);
    if (e.isDirectory()) chownR(c, uid);
    else if (!e.isSymbolicLink()) chownSync(c, uid, uid);
  }
}

test("sandbox tests run as root in CI", () => {
  if (!isRoot) process.stderr.write("note: sandbox tests need root\n");
});

test.run();
