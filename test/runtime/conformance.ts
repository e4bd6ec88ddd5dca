/**
 * The one conformance suite every snapshotter passes (overlay.test.ts, copy.test.ts): layers
 * unpack into the view the OCI spec describes, a run's changes come out as the expected tar
 * entries, and a layer made from a run reproduces exactly what the run saw.
 */
import { lstatSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { Readable } from "node:stream";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { digestOf } from "../../image/digest.js";
import type { KilnError } from "../../util/errors.js";
import { compareTarPaths, createTar, type TarEntry } from "../../image/tar.js";
import { opaqueWhiteoutEntry, whiteoutEntry } from "../../image/whiteout.js";
import {
  BUSYBOX_PASSWD,
  chainIds,
  changesToEntries,
  changesToTar,
  createRunDir,
  formatChanges,
  openSnapshotter,
  runSandbox,
  treeChanges,
  type Chain,
  type Change,
  type LayerSource,
  type SandboxSpec,
  type Snapshotter,
  type SnapshotterKind,
} from "../../runtime/index.js";
import { collect, readTar } from "../image/helpers.js";
import { busyboxRootfs, Capture, cannotRun, cleanupTemps, tempDir } from "./helpers.js";

export function layerOf(bytes: Buffer): LayerSource {
  return { diffId: digestOf(bytes), open: () => Readable.from([bytes]) };
}

export async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  return collect(createTar(entries));
}

interface RunOutput {
  exitCode: number;
  out: string;
  err: string;
  changes: Change[];
  layer: Buffer;
}

export function conformance(kind: SnapshotterKind): void {
  const s = suite(`snapshotter ${kind}`);
  if (cannotRun) {
    s.skip("needs root, busybox and the helper", () => {});
    s.run();
    return;
  }
  let snap: Snapshotter;
  let state: string;
  let base: LayerSource;
  let baseChain: Chain;

  s.before(async () => {
    state = tempDir("kiln-conf-");
    snap = openSnapshotter(kind, { root: join(state, "snapshots") });
    const rootfs = busyboxRootfs();
    // a base layer: busybox plus a directory to replace, a hard link pair and owners
    const entries = changesToEntries(treeChanges(rootfs), rootfs);
    entries.push(
      { type: "directory", path: "opt", mode: 0o755 },
      { type: "directory", path: "opt/old", mode: 0o750, uid: 1000, gid: 1000 },
      { type: "file", path: "opt/old/a", body: Buffer.from("a\n") },
      { type: "file", path: "opt/old/b", body: Buffer.from("b\n") },
      { type: "file", path: "opt/keep", body: Buffer.from("keep\n"), mode: 0o4755 },
      { type: "hardlink", path: "opt/keep-link", target: "opt/keep" },
      { type: "file", path: "srv/data", body: Buffer.from("data\n"), uid: 1000, gid: 50, mode: 0o640, mtime: new Date("2001-02-03T04:05:06Z") },
    );
    base = layerOf(await tarOf(entries));
    baseChain = await snap.prepare([base]);
  });
  s.after(() => cleanupTemps());

  async function run(chain: Chain, script: string, extra: Partial<SandboxSpec> = {}): Promise<RunOutput> {
    const dir = createRunDir(state);
    try {
      const active = await snap.activate(chain, dir.path);
      const stdout = new Capture();
      const stderr = new Capture();
      const r = await runSandbox({ rootfs: active.spec, args: ["sh", "-c", script], runDir: dir.path, stdout, stderr, ...extra });
      const changes = await active.changes(r.created);
      const layer = await collect(changesToTar(changes, active.changedRoot));
      return { exitCode: r.exitCode, out: stdout.text, err: stderr.text, changes, layer };
    } finally {
      dir.remove();
    }
  }

  s("the base layer unpacks with modes, owners, mtimes and hard links", async () => {
    const r = await run(baseChain, "stat -c '%n %a %u %g %Y %h' /opt/old /opt/keep /opt/keep-link /srv/data; cat /opt/old/a");
    assert.is(r.exitCode, 0, r.err);
    assert.is(
      r.out,
      ["/opt/old 750 1000 1000 0 2", "/opt/keep 4755 0 0 0 2", "/opt/keep-link 4755 0 0 0 2", "/srv/data 640 1000 50 981173106 1", "a", ""].join("\n"),
    );
  });

  s("a run with no changes gives no changes (provided files and mount points excluded)", async () => {
    const r = await run(baseChain, "echo 1.2.3.4 other >> /etc/hosts; cat /etc/hostname >/dev/null; ls /proc >/dev/null", { hostname: "h" });
    assert.is(r.exitCode, 0, r.err);
    assert.equal(r.changes, []);
    assert.equal(await readTar(r.layer), []);
  });

  s("provided files behind image symlinks (resolv.conf → a missing /run path) and volume targets stay out of the layer", async () => {
    const links = await snap.prepare([
      base,
      layerOf(await tarOf([{ type: "symlink", path: "etc/resolv.conf", target: "../run/systemd/resolve/stub-resolv.conf" }])),
    ]);
    const vol = tempDir("kiln-conf-vol-");
    const r = await run(links, "cat /etc/resolv.conf >/dev/null && ls /run/systemd/resolve && ls /mnt/deep/vol >/dev/null", {
      network: "host",
      mounts: [{ source: vol, target: "/mnt/deep/vol" }],
    });
    assert.is(r.exitCode, 0, r.err);
    assert.is(r.out, "stub-resolv.conf\n");
    assert.equal(r.changes, []);
    assert.equal(await readTar(r.layer), []);
  });

  const script = [
    "echo new > /new.txt && chmod 0640 /new.txt && chown 1000:50 /new.txt",
    "mkdir -p /d/e && echo x > /d/e/f",
    "echo changed >> /etc/passwd",
    "rm /etc/group",
    "ln -s /etc/passwd /link",
    "ln /new.txt /hard",
    "rm -rf /opt/old && mkdir /opt/old && echo n > /opt/old/c",
    "mkfifo /fifo",
    "chmod 0700 /srv",
    "rm -rf /home",
  ].join(" && ");

  const listing = "find /d /etc /opt /srv /new.txt /hard /link /fifo -exec stat -c '%n %F %a %u %g %s %h' {} + | sort; cat /opt/old/c /etc/passwd";

  s("changes come out as the expected tar entries", async () => {
    const r = await run(baseChain, script, { hostname: "h" });
    assert.is(r.exitCode, 0, r.err);
    assert.is(
      formatChanges(r.changes),
      ["A /d", "A /d/e", "A /d/e/f", "C /etc", "D /etc/group", "C /etc/passwd", "A /fifo", "A /hard", "D /home", "A /link", "A /new.txt", "C /opt", "C /opt/old", "A /opt/old/c", "C /srv", ""].join("\n"),
    );
    const entries = (await readTar(r.layer)).map((e) => {
      const h = e.header;
      const extra = h.type === "symlink" || h.type === "link" ? ` -> ${h.linkname}` : h.type === "file" ? ` ${e.body.length}` : "";
      return `${h.name} ${h.type} ${(h.mode ?? 0).toString(8)} ${h.uid}:${h.gid}${extra}`;
    });
    assert.equal(entries, [
      "d/ directory 755 0:0",
      "d/e/ directory 755 0:0",
      "d/e/f file 644 0:0 2",
      "etc/ directory 755 0:0",
      "etc/.wh.group file 0 0:0 0",
      `etc/passwd file 644 0:0 ${BUSYBOX_PASSWD.length + 8}`,
      "fifo fifo 644 0:0",
      "hard file 640 1000:50 4",
      ".wh.home file 0 0:0 0",
      "link symlink 777 0:0 -> /etc/passwd",
      "new.txt link 640 1000:50 -> hard",
      "opt/ directory 755 0:0",
      "opt/old/ directory 755 0:0",
      "opt/old/.wh..wh..opq file 0 0:0 0",
      "opt/old/c file 644 0:0 2",
      "srv/ directory 700 0:0",
    ].sort(sortLikeTar));
  });

  s("a layer made from a run reproduces what the run saw", async () => {
    const first = await run(baseChain, `${script} && ${listing}`, { hostname: "h" });
    assert.is(first.exitCode, 0, first.err);
    const chain = await snap.prepare([base, layerOf(first.layer)]);
    const second = await run(chain, listing, { hostname: "h" });
    assert.is(second.exitCode, 0, second.err);
    assert.is(second.out, first.out);
    assert.ok(second.out.includes("/opt/old/c regular file"));
    assert.not.ok(second.out.includes("/opt/old/a"));
    assert.not.ok(second.out.includes("/etc/group"));
  });

  s("whiteouts and opaque directories of stacked layers", async () => {
    const layer2 = layerOf(
      await tarOf([
        whiteoutEntry("etc/group"),
        opaqueWhiteoutEntry("opt/old"),
        { type: "directory", path: "opt/old", mode: 0o755 },
        { type: "file", path: "opt/old/z", body: Buffer.from("z\n") },
        whiteoutEntry("srv"),
        { type: "file", path: "added", body: Buffer.from("added\n") },
      ]),
    );
    const layer3 = layerOf(await tarOf([{ type: "directory", path: "srv", mode: 0o711 }, { type: "file", path: "srv/again", body: Buffer.from("again\n") }]));
    const chain = await snap.prepare([base, layer2, layer3]);
    assert.is(chain.chainIds.length, 3);
    const r = await run(chain, "ls /opt/old; test -e /etc/group || echo no-group; cat /added; ls /srv; stat -c %a /srv; cat /opt/keep");
    assert.is(r.exitCode, 0, r.err);
    assert.is(r.out, "z\nno-group\nadded\nagain\n711\nkeep\n");
    // deleting the only entry of a directory is a whiteout, not a replaced directory
    const r2 = await run(chain, "rm -rf /opt/old/z && echo ok");
    assert.is(formatChanges(r2.changes), "C /opt\nC /opt/old\nD /opt/old/z\n");
  });

  s("`since` is after every entry the activation itself made, so nothing it copied counts as made by the run", async () => {
    const dir = createRunDir(state);
    try {
      const active = await snap.activate(baseChain, dir.path);
      let latest = 0n;
      const walk = (path: string): void => {
        const st = lstatSync(path, { bigint: true });
        for (const t of [st.birthtimeNs, st.ctimeNs]) if (t > latest) latest = t;
        if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
      };
      walk(active.changedRoot);
      assert.ok(active.since > latest, `since ${active.since} vs the newest entry ${latest}`);
    } finally {
      dir.remove();
    }
  });

  s("snapshots are keyed by chain id and reused", async () => {
    const before = readdirSync(snap.root).sort();
    const again = await snap.prepare([base]);
    assert.equal(again.chainIds, baseChain.chainIds);
    assert.equal(readdirSync(snap.root).sort(), before);
    assert.ok(snap.has(baseChain.chainIds[0]!));
    assert.not.ok(before.some((n) => n.startsWith("tmp-")));
  });

  s("a layer whose tar does not match its diff_id (gzip or plain) is refused while unpacking; nothing is kept", async () => {
    const tar = await tarOf([{ type: "file", path: "evil", body: Buffer.from("not what the config says\n") }]);
    const claimed = digestOf(await tarOf([{ type: "file", path: "evil", body: Buffer.from("harmless\n") }]));
    const blob = gzipSync(tar);
    for (const bytes of [blob, tar]) {
      const lying: LayerSource = { diffId: claimed, digest: digestOf(bytes), open: () => Readable.from([bytes]) };
      const before = readdirSync(snap.root).sort();
      try {
        await snap.prepare([base, lying]);
        assert.unreachable("a layer with a wrong diff_id was unpacked");
      } catch (err) {
        assert.is((err as KilnError).code, "digest-mismatch", String(err));
        assert.match(String((err as Error).message), `layer 2 (${digestOf(bytes)}): the uncompressed layer is ${digestOf(tar)}, but the image config lists diff_id ${claimed}`);
      }
      const [, chainId] = chainIds([base.diffId, claimed]);
      assert.not.ok(snap.has(chainId!), "no snapshot under the lying chain id");
      assert.equal(readdirSync(snap.root).sort(), before, "no temp dir left, the base snapshot kept");
      assert.ok(snap.has(baseChain.chainIds[0]!));
    }
    // the same bytes with their true diff_id unpack
    const honest = await snap.prepare([base, { diffId: digestOf(tar), open: () => Readable.from([blob]) }]);
    assert.ok(snap.has(honest.chainIds[1]!));
  });

  s("the working directory a run creates is part of its layer", async () => {
    const r = await run(baseChain, "touch here", { cwd: "/w/x" });
    assert.is(formatChanges(r.changes), "A /w\nA /w/x\nA /w/x/here\n");
  });

  s("a directory made again is opaque, one emptied in place is not", async () => {
    const r = await run(baseChain, "rm -rf /opt/old && mkdir -m 755 /opt/old && rm /srv/data");
    assert.is(formatChanges(r.changes), "C /opt\nC /opt/old\nC /srv\nD /srv/data\n");
    assert.ok(r.changes.find((c) => c.path === "opt/old")?.opaque);
    assert.not.ok(r.changes.find((c) => c.path === "srv")?.opaque);
  });

  s("modifying a file in place is found even with the same size and mtime", async () => {
    const r = await run(baseChain, "printf 'D' | dd of=/srv/data bs=1 count=1 conv=notrunc 2>/dev/null; touch -d '2001-02-03 04:05:06' /srv/data");
    assert.is(r.exitCode, 0, r.err);
    assert.is(formatChanges(r.changes), "C /srv\nC /srv/data\n");
  });

  s.run();
}

function sortLikeTar(a: string, b: string): number {
  const pa = a.split(" ")[0]!.replace(/\/$/, "");
  const pb = b.split(" ")[0]!.replace(/\/$/, "");
  return compareTarPaths(pa, pb);
}

