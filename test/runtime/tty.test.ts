/**
 * `kiln run -t`: a pseudo-terminal from the sandbox's own devpts instance (root). util-linux
 * `script` gives kiln a terminal of its own, so the host side (raw mode, window size) is real too.
 */
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as assert from "uvu/assert";
import { test } from "uvu";
import { changesToTar, treeChanges } from "../../runtime/index.js";
import { repoRoot } from "../helpers/paths.js";
import { collect } from "../image/helpers.js";
import { busyboxRootfs, cannotRun, cleanupTemps, rootTest, tempDir } from "./helpers.js";

const kiln = join(repoRoot, "dist", "kiln.mjs");
const haveScript = spawnSync("script", ["--version"], { stdio: "ignore" }).status === 0;
const ttyTest: typeof test = haveScript ? rootTest : (test.skip as unknown as typeof test);
if (!haveScript && !cannotRun) process.stderr.write("tty tests skipped: no util-linux script\n");
let root = "";

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const kilnCmd = (args: string[]) => [process.execPath, kiln, "--root", root, ...args].map(q).join(" ");

/** Runs `shell` (sh) inside `script`: a terminal for kiln, output as the terminal shows it. */
function inScript(shell: string, input = "") {
  const r = spawnSync("script", ["-qec", shell, "/dev/null"], { encoding: "utf8", input, timeout: 30_000 });
  return { code: r.status, out: r.stdout.replace(/\r/g, ""), err: r.stderr };
}

test.before(async () => {
  if (cannotRun) return;
  root = join(tempDir("kiln-tty-"), "root");
  const rootfs = busyboxRootfs();
  const tar = join(tempDir("kiln-tty-tar-"), "busybox.tar");
  writeFileSync(tar, await collect(changesToTar(treeChanges(rootfs), rootfs)));
  const r = spawnSync(process.execPath, [kiln, "--root", root, "import", tar, "busybox"], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
});
test.after(() => cleanupTemps());

ttyTest("-t: the container's own /dev/pts/0, the host terminal's size, stdin and stdout terminals, exit code", () => {
  const r = inScript(`stty rows 40 cols 100; ${kilnCmd(["run", "--rm", "-t", "busybox", "sh", "-c", "tty; stty size; test -t 0 && test -t 1 && test -t 2 && echo terminals; echo x > /dev/tty && exit 5"])}`);
  assert.is(r.out, "/dev/pts/0\n40 100\nterminals\nx\n", r.err);
  assert.is(r.code, 5);
});

ttyTest("without -t: no terminal inside, even when kiln has one", () => {
  const r = inScript(kilnCmd(["run", "--rm", "busybox", "sh", "-c", "tty; test -t 0 || echo not-0; exit 3"]));
  assert.is(r.out, "not a tty\nnot-0\n", r.err);
  assert.is(r.code, 3);
});

rootTest("-t without a terminal on the host: the container still gets one (24x80)", () => {
  const r = spawnSync(process.execPath, [kiln, "--root", root, "run", "--rm", "-t", "busybox", "sh", "-c", "tty; stty size; exit 6"], { encoding: "utf8", input: "" });
  assert.is(r.stdout, "/dev/pts/0\r\n24 80\r\n", r.stderr);
  assert.is(r.status, 6);
});

rootTest("-t: the terminal is the controlling one and belongs to the command's user", () => {
  const r = spawnSync(process.execPath, [kiln, "--root", root, "run", "--rm", "-t", "-u", "app", "busybox", "sh", "-c", "ls -l $(tty) | awk '{print $1, $3}'; set -- $(cat /proc/1/stat); echo $6 $7"], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  // pid 1 leads its session, and its controlling terminal is 136:0 (pts/0 of the sandbox's devpts)
  assert.is(r.stdout.replace(/\r/g, ""), `crw--w---- app\n1 ${(136 << 8) | 0}\n`);
});

ttyTest("-it: input is relayed in raw mode, ^C interrupts the container's foreground job", () => {
  // the terminal's ^C reaches the container as a byte (raw mode on kiln's side) and the
  // container's line discipline turns it into SIGINT for its foreground process
  const shell = `${kilnCmd(["run", "--rm", "-it", "busybox", "sh"])}`;
  const r = spawnSync("sh", ["-c", `(printf 'echo hi $((1+2)); sleep 20; echo after\\n'; sleep 1.5; printf '\\003'; sleep 0.3; printf 'echo back; exit 9\\n') | script -qec ${q(shell)} /dev/null`], { encoding: "utf8", timeout: 30_000 });
  const out = r.stdout.replace(/\r/g, "");
  assert.match(out, /\nhi 3\n/, r.stderr);
  assert.not.match(out, /\nafter\n/);
  assert.match(out, /\nback\n/);
  assert.is(r.status, 9);
});

ttyTest("-t: window size changes follow (SIGWINCH → TIOCSWINSZ)", () => {
  const shared = tempDir("kiln-tty-shared-");
  const inner = 'echo start $(stty size); touch /shared/ready; for i in $(seq 200); do [ "$(stty size)" = "50 120" ] && echo resized && exit 0; sleep 0.05; done; exit 1';
  const shell = `stty rows 30 cols 80; ${kilnCmd(["run", "--rm", "-t", "-v", `${shared}:/shared`, "busybox", "sh", "-c", inner])} & while [ ! -e ${q(join(shared, "ready"))} ]; do sleep 0.02; done; stty rows 50 cols 120; wait $!`;
  const r = inScript(shell);
  assert.is(r.out, "start 30 80\nresized\n", r.err);
  assert.is(r.code, 0);
  assert.ok(existsSync(join(shared, "ready")));
});

test.run();
