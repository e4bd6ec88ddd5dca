/** `kiln run`, `kiln diff`, `kiln commit` end to end through the bundled CLI (root). */
import { spawnSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as assert from "uvu/assert";
import { changesToTar, treeChanges } from "../../runtime/index.js";
import { repoRoot } from "../helpers/paths.js";
import { collect } from "../image/helpers.js";
import { busyboxRootfs, cannotRun, cleanupTemps, rootTest, tempDir } from "./helpers.js";
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

test.run();
