import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { digestOf } from "../../image/digest.js";
import {
  compareTarPaths,
  createTar,
  normalizeTarPath,
  parseSourceDateEpoch,
  prepareTarEntries,
  tarBodyBytes,
  tarBuffer,
  type TarEntry,
} from "../../image/tar.js";
import { opaqueWhiteoutEntry, whiteoutEntry } from "../../image/whiteout.js";
import { collect, kilnError, readTar } from "./helpers.js";

const T = new Date("2023-11-14T22:13:20Z"); // 1700000000

/** A small tree covering every entry type; bodies are openers where it matters. */
function sample(): TarEntry[] {
  return [
    { type: "directory", path: "etc", mode: 0o755 },
    { type: "file", path: "etc/passwd", body: Buffer.from("root:x:0:0::/root:/bin/sh\n"), mtime: T },
    { type: "directory", path: "usr" },
    { type: "directory", path: "usr/bin" },
    { type: "file", path: "usr/bin/tool", mode: 0o4755, size: 5, body: () => Readable.from([Buffer.from("to"), Buffer.from("ol\n")]) },
    { type: "hardlink", path: "usr/bin/alias", target: "usr/bin/tool" },
    { type: "symlink", path: "usr/bin/sh", target: "/bin/busybox" },
    { type: "directory", path: "tmp", mode: 0o1777 },
    { type: "fifo", path: "tmp/pipe", mode: 0o600 },
    { type: "char", path: "dev/null", mode: 0o666, devmajor: 1, devminor: 3 },
    { type: "block", path: "dev/loop0", mode: 0o660, devmajor: 7, devminor: 0, gid: 6 },
    { type: "directory", path: "dev", mode: 0o755 },
    { type: "file", path: "home/user/.profile", uid: 1000, gid: 1000, mode: 0o600, body: Buffer.from("export A=1\n") },
    { type: "file", path: "a-b", body: Buffer.from("dash") },
    { type: "directory", path: "a" },
    { type: "file", path: "a/b", body: Buffer.from("slash") },
    whiteoutEntry("a/old"),
    opaqueWhiteoutEntry("var/cache"),
    { type: "file", path: "var/cache/new", body: Buffer.from("n") },
  ];
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = items.slice();
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function gnuTarAvailable(): boolean {
  try {
    execFileSync("tar", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("tar: the same input twice gives identical bytes and digest", async () => {
  const a = await collect(createTar(sample()));
  const b = await collect(createTar(sample()));
  assert.ok(a.equals(b));
  assert.is(digestOf(a), digestOf(b));
  assert.is(a.length % 512, 0);
});

test("tar: input order does not matter (including which path of a hard link is the file)", async () => {
  const reference = await collect(createTar(sample()));
  for (const seed of [1, 2, 3, 42]) {
    const again = await collect(createTar(shuffled(sample(), seed)));
    assert.is(digestOf(again), digestOf(reference), `seed ${seed}`);
  }
  // the same inode described the other way round
  const swapped = sample().map((e): TarEntry => {
    if (e.path === "usr/bin/tool") return { type: "hardlink", path: "usr/bin/tool", target: "usr/bin/alias" };
    if (e.path === "usr/bin/alias") return { type: "file", path: "usr/bin/alias", mode: 0o4755, size: 5, body: () => Readable.from([Buffer.from("tool\n")]) };
    return e;
  });
  assert.is(digestOf(await collect(createTar(swapped))), digestOf(reference));
});

test("tar: entries are sorted by path, parents first, subtrees together, whiteouts before siblings", async () => {
  const entries = await readTar(await collect(createTar(sample())));
  assert.equal(entries.map((e) => e.header.name), [
    "a/",
    "a/.wh.old",
    "a/b",
    "a-b",
    "dev/",
    "dev/loop0",
    "dev/null",
    "etc/",
    "etc/passwd",
    "home/user/.profile",
    "tmp/",
    "tmp/pipe",
    "usr/",
    "usr/bin/",
    "usr/bin/alias",
    "usr/bin/sh",
    "usr/bin/tool",
    "var/cache/.wh..wh..opq",
    "var/cache/new",
  ]);
});

test("tar: compareTarPaths orders components, whiteouts first, by code point", () => {
  const paths = ["b", "a-b", "a/z", "a", "a/.wh.z", "a/.wh..wh..opq", "a/.a", "é", "z", "\u{1F600}", "\uFFFD", "A"];
  paths.sort(compareTarPaths);
  assert.equal(paths, ["A", "a", "a/.wh..wh..opq", "a/.wh.z", "a/.a", "a/z", "a-b", "b", "z", "é", "\uFFFD", "\u{1F600}"]);
});

test("tar: every entry type reads back with its metadata; owners numeric, names empty", async () => {
  const entries = await readTar(await collect(createTar(sample())));
  const by = new Map(entries.map((e) => [e.header.name, e]));
  const tool = by.get("usr/bin/alias")!; // first of the inode in order: carries the data
  assert.is(tool.header.type, "file");
  assert.is(tool.body.toString(), "tool\n");
  assert.is(tool.header.mode, 0o4755);
  const link = by.get("usr/bin/tool")!;
  assert.is(link.header.type, "link");
  assert.is(link.header.linkname, "usr/bin/alias");
  assert.is(link.header.size, 0);
  assert.is(by.get("usr/bin/sh")!.header.type, "symlink");
  assert.is(by.get("usr/bin/sh")!.header.linkname, "/bin/busybox");
  assert.is(by.get("tmp/")!.header.mode, 0o1777);
  assert.is(by.get("tmp/pipe")!.header.type, "fifo");
  const nul = by.get("dev/null")!.header;
  assert.is(nul.type, "character-device");
  assert.is(nul.devmajor, 1);
  assert.is(nul.devminor, 3);
  const loop = by.get("dev/loop0")!.header;
  assert.is(loop.type, "block-device");
  assert.is(loop.devmajor, 7);
  assert.is(loop.gid, 6);
  const profile = by.get("home/user/.profile")!.header;
  assert.is(profile.uid, 1000);
  assert.is(profile.gid, 1000);
  assert.is(profile.mode, 0o600);
  const wh = by.get("a/.wh.old")!.header;
  assert.is(wh.type, "file");
  assert.is(wh.size, 0);
  assert.is(wh.mode, 0);
  for (const e of entries) {
    assert.is(e.header.uname, "");
    assert.is(e.header.gname, "");
  }
});

test("tar: a mode of 0 stays 0, setuid/setgid/sticky are kept", async () => {
  const entries = await readTar(await collect(createTar([
    { type: "file", path: "zero", mode: 0 },
    { type: "directory", path: "zdir", mode: 0 },
    { type: "file", path: "suid", mode: 0o4711 },
    { type: "directory", path: "sgid", mode: 0o2775 },
    { type: "file", path: "typed", mode: 0o100640 }, // stat-style mode: type bits are dropped
  ])));
  assert.equal(entries.map((e) => [e.header.name, e.header.mode]), [
    ["sgid/", 0o2775],
    ["suid", 0o4711],
    ["typed", 0o640],
    ["zdir/", 0],
    ["zero", 0],
  ]);
});

test("tar: defaults: mtime 0, root owner, 0644 files, 0755 dirs, 0777 symlinks", async () => {
  const entries = await readTar(await collect(createTar([
    { type: "file", path: "f" },
    { type: "directory", path: "d" },
    { type: "symlink", path: "s", target: "f" },
  ])));
  assert.equal(entries.map((e) => [e.header.name, e.header.mode, e.header.uid, e.header.gid, e.header.mtime.getTime()]), [
    ["d/", 0o755, 0, 0, 0],
    ["f", 0o644, 0, 0, 0],
    ["s", 0o777, 0, 0, 0],
  ]);
});

test("tar: SOURCE_DATE_EPOCH clamps later mtimes, keeps earlier ones, fills missing ones", async () => {
  const epoch = 1_600_000_000;
  const entries = await readTar(await collect(createTar([
    { type: "file", path: "new", mtime: new Date((epoch + 1000) * 1000) },
    { type: "file", path: "old", mtime: new Date((epoch - 1000) * 1000 + 999) },
    { type: "file", path: "none" },
    { type: "directory", path: "dir", mtime: T },
  ], { sourceDateEpoch: epoch })));
  assert.equal(entries.map((e) => [e.header.name, e.header.mtime.getTime() / 1000]), [
    ["dir/", epoch],
    ["new", epoch],
    ["none", epoch],
    ["old", epoch - 1000],
  ]);
  // without the option, mtimes are kept (whole seconds)
  const kept = await readTar(await collect(createTar([{ type: "file", path: "new", mtime: new Date((epoch + 1000) * 1000 + 500) }])));
  assert.is(kept[0]!.header.mtime.getTime() / 1000, epoch + 1000);
});

test("tar: SOURCE_DATE_EPOCH values", async () => {
  assert.is(parseSourceDateEpoch(undefined), undefined);
  assert.is(parseSourceDateEpoch(""), undefined);
  assert.is(parseSourceDateEpoch("0"), 0);
  assert.is(parseSourceDateEpoch("1700000000"), 1700000000);
  for (const bad of ["-1", "1.5", "abc", " 1", "1e9"]) {
    assert.is((await kilnError(() => parseSourceDateEpoch(bad))).code, "invalid-source-date-epoch");
  }
  assert.is((await kilnError(() => createTar([], { sourceDateEpoch: -5 }))).code, "invalid-source-date-epoch");
});

const LONG_DIR = `${"d".repeat(120)}/${"e".repeat(120)}`;
const LONG_NAME = `${LONG_DIR}/${"f".repeat(130)}`; // no split fits ustar's 155 + 100
const LONG_TARGET = `/opt/${"t".repeat(150)}`;

function paxSample(): TarEntry[] {
  return [
    { type: "directory", path: LONG_DIR },
    { type: "file", path: LONG_NAME, body: Buffer.from("long"), uid: 300_000, gid: 3_000_000 },
    { type: "symlink", path: "s", target: LONG_TARGET },
    { type: "hardlink", path: "h", target: LONG_NAME },
    { type: "file", path: "ünï/cödé.txt", body: Buffer.from("utf8") },
    { type: "file", path: "big-ids", uid: 2_097_152, gid: 262_144 },
    { type: "file", path: "just-fits", uid: 262_143, gid: 0 },
    { type: "file", path: "future", mtime: new Date("2100-01-01T00:00:00Z") },
    { type: "file", path: "past", mtime: new Date("1960-01-01T00:00:00Z") },
  ];
}

test("tar: PAX round trip: long names and link targets, UTF-8, big ids, far mtimes", async () => {
  const entries = await readTar(await collect(createTar(paxSample())));
  const by = new Map(entries.map((e) => [e.header.name, e]));
  assert.ok(by.has(`${LONG_DIR}/`), [...by.keys()].join("\n"));
  const long = by.get(LONG_NAME)!;
  assert.is(long.body.toString(), "long");
  const pax = (e: { header: { pax?: unknown } }) => (e.header.pax ?? {}) as Record<string, string>;
  assert.is(pax(long).uid, "300000");
  assert.is(pax(long).gid, "3000000");
  assert.is(by.get("s")!.header.linkname, LONG_TARGET);
  // the long name sorts first ("d…" < "h"): it carries the data and "h" links to it via PAX linkpath
  assert.is(long.header.type, "file");
  assert.is(by.get("h")!.header.type, "link");
  assert.is(by.get("h")!.header.linkname, LONG_NAME);
  assert.is(by.get("ünï/cödé.txt")!.body.toString(), "utf8");
  assert.is(pax(by.get("big-ids")!).uid, "2097152");
  assert.is(pax(by.get("big-ids")!).gid, "262144");
  assert.is(by.get("just-fits")!.header.uid, 262_143);
  assert.is(by.get("just-fits")!.header.pax, null);
  assert.is(pax(by.get("future")!).mtime, String(Date.parse("2100-01-01T00:00:00Z") / 1000));
  assert.is(pax(by.get("past")!).mtime, String(Date.parse("1960-01-01T00:00:00Z") / 1000));
});

test("tar: hard links always follow the entry that carries the data", async () => {
  const entries = await readTar(await collect(createTar([
    { type: "file", path: "z/data", body: Buffer.from("x") },
    { type: "hardlink", path: "b", target: "z/data" },
    { type: "hardlink", path: "a", target: "b" }, // a chain
    { type: "hardlink", path: "outside", target: "lower/layer/file" },
    { type: "hardlink", path: "0-via", target: "outside" }, // sorts first: must not point at a later entry
  ])));
  assert.equal(entries.map((e) => [e.header.name, e.header.type, e.header.linkname ?? null, e.body.toString()]), [
    ["0-via", "link", "lower/layer/file", ""],
    ["a", "file", null, "x"],
    ["b", "link", "a", ""],
    ["outside", "link", "lower/layer/file", ""],
    ["z/data", "link", "a", ""],
  ]);
});

test("tar: bodies are opened lazily, one per read of the archive", async () => {
  let opened = 0;
  const body = () => {
    opened++;
    return Readable.from([Buffer.from("abc")]);
  };
  const tar = createTar([{ type: "file", path: "f", size: 3, body }]);
  await new Promise((r) => setTimeout(r, 10));
  assert.is(opened, 0);
  await collect(tar);
  assert.is(opened, 1);
  const again = createTar([{ type: "file", path: "f", size: 3, body }]);
  await collect(again);
  assert.is(opened, 2);
});

test("tar: large bodies stream through an opener; the archive size is exact", async () => {
  const size = 5 * 1024 * 1024 + 3;
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  async function* gen() {
    let left = size;
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      yield chunk.subarray(0, n);
      left -= n;
    }
  }
  const out = await collect(createTar([{ type: "file", path: "big", size, body: () => Readable.from(gen(), { objectMode: false }) }]));
  assert.is(out.length, 512 + Math.ceil(size / 512) * 512 + 1024);
  const [entry] = await readTar(out);
  assert.is(entry!.header.size, size);
  assert.is(digestOf(entry!.body), digestOf(Buffer.alloc(size, 0x5a)));
});

test("tar: a body shorter or longer than its size fails the stream", async () => {
  for (const text of ["ab", "abcd"]) {
    const tar = createTar([{ type: "file", path: "f", size: 3, body: () => Readable.from([Buffer.from(text)]) }]);
    const err = await kilnError(() => collect(tar));
    assert.is(err.code, "tar-size-mismatch");
    assert.ok(err.message.startsWith("f:"), err.message);
  }
});

test("tar: a failing body fails the stream with its error", async () => {
  const tar = createTar([
    { type: "file", path: "a", body: Buffer.from("ok") },
    { type: "file", path: "b", size: 10, body: () => new Readable({ read() { this.destroy(new Error("disk on fire")); } }) },
  ]);
  try {
    await collect(tar);
    assert.unreachable("should fail");
  } catch (err) {
    assert.match(String(err), "disk on fire");
  }
});

test("tar: paths are normalised", async () => {
  assert.is(normalizeTarPath("/etc/passwd"), "etc/passwd");
  assert.is(normalizeTarPath("./etc//x/"), "etc/x");
  assert.is(normalizeTarPath("a/./b"), "a/b");
  const same = await collect(createTar([{ type: "file", path: "/a//b/", body: Buffer.from("x") }]));
  const plain = await collect(createTar([{ type: "file", path: "a/b", body: Buffer.from("x") }]));
  assert.ok(same.equals(plain));
});

const REFUSED: [string, () => unknown, string][] = [
  ["'..'", () => createTar([{ type: "file", path: "a/../../etc/passwd" }]), "invalid-tar-path"],
  ["the root", () => createTar([{ type: "directory", path: "/" }]), "invalid-tar-path"],
  ["NUL", () => createTar([{ type: "file", path: "a\0b" }]), "invalid-tar-path"],
  ["duplicates", () => createTar([{ type: "file", path: "a" }, { type: "directory", path: "./a/" }]), "duplicate-tar-entry"],
  ["opener without size", () => createTar([{ type: "file", path: "a", body: () => Readable.from([]) }]), "invalid-tar-entry"],
  ["size not matching bytes", () => createTar([{ type: "file", path: "a", size: 2, body: Buffer.from("x") }]), "invalid-tar-entry"],
  ["empty symlink", () => createTar([{ type: "symlink", path: "a", target: "" }]), "invalid-tar-entry"],
  ["hard link to itself", () => createTar([{ type: "hardlink", path: "a", target: "./a" }]), "invalid-tar-entry"],
  ["hard link to a directory", () => createTar([{ type: "directory", path: "d" }, { type: "hardlink", path: "l", target: "d" }]), "invalid-tar-entry"],
  ["hard link cycle", () => createTar([{ type: "hardlink", path: "a", target: "b" }, { type: "hardlink", path: "b", target: "a" }]), "invalid-tar-entry"],
  ["negative uid", () => createTar([{ type: "file", path: "a", uid: -1 }]), "invalid-tar-entry"],
  ["fractional gid", () => createTar([{ type: "file", path: "a", gid: 1.5 }]), "invalid-tar-entry"],
  ["huge devmajor", () => createTar([{ type: "char", path: "c", devmajor: 1 << 20, devminor: 0 }]), "invalid-tar-entry"],
  ["invalid date", () => createTar([{ type: "file", path: "a", mtime: new Date(NaN) }]), "invalid-tar-entry"],
];

for (const [what, fn, code] of REFUSED) {
  test(`tar: refuses ${what} before writing anything`, async () => {
    const err = await kilnError(fn);
    assert.is(err.code, code);
  });
}

test("tar: prepareTarEntries exposes the order and resolved fields", () => {
  const prepared = prepareTarEntries([
    { type: "file", path: "b", mtime: new Date(5000), uid: 7 },
    { type: "directory", path: "/a/" },
  ]);
  assert.equal(prepared.map((p) => [p.path, p.type, p.mode, p.uid, p.mtime]), [
    ["a", "directory", 0o755, 0, 0],
    ["b", "file", 0o644, 7, 5],
  ]);
});

if (gnuTarAvailable()) {
  test("tar: GNU tar lists the archive with numeric owners, long names and PAX values", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kiln-tar-"));
    try {
      const file = join(dir, "layer.tar");
      writeFileSync(file, await collect(createTar([...sample(), ...paxSample()], { sourceDateEpoch: 1_700_000_000 })));
      // no --numeric-owner: GNU tar would print owner names if the archive had any
      const listing = execFileSync("tar", ["--full-time", "-tvf", file], { encoding: "utf8", env: { ...process.env, TZ: "UTC", LC_ALL: "C.UTF-8" } });
      const lines = listing.trimEnd().split("\n");
      const line = (name: string) => {
        const found = lines.find((l) => {
          const rest = /^\S+ \S+ +\S+ \S+ \S+ (.*)$/.exec(l)?.[1] ?? "";
          return rest === name || rest.startsWith(`${name} -> `) || rest.startsWith(`${name} link to `);
        });
        assert.ok(found, `GNU tar lists ${name}:\n${listing}`);
        return found!;
      };
      assert.match(line("etc/passwd"), /^-rw-r--r-- 0\/0 +26 2023-11-14 22:13:20 etc\/passwd$/);
      assert.match(line("home/user/.profile"), /^-rw------- 1000\/1000 /);
      assert.match(line("usr/bin/alias"), /^-rwsr-xr-x 0\/0 +5 /);
      assert.match(line("usr/bin/tool"), /^h.* usr\/bin\/tool link to usr\/bin\/alias$/);
      assert.match(line("usr/bin/sh"), /^lrwxrwxrwx 0\/0 .* usr\/bin\/sh -> \/bin\/busybox$/);
      assert.match(line("tmp/"), /^drwxrwxrwt /);
      assert.match(line("dev/null"), /^crw-rw-rw- 0\/0 +1,3 /);
      assert.match(line(LONG_NAME), /^-rw-r--r-- 300000\/3000000 +4 /);
      assert.match(line("big-ids"), / 2097152\/262144 /);
      assert.match(line("s"), new RegExp(` s -> ${LONG_TARGET}$`));
      assert.match(line("ünï/cödé.txt"), /^-rw-r--r-- 0\/0 +4 /);
      // the epoch clamps the 2100 mtime; the 1960 one is earlier and kept
      assert.match(line("future"), / 2023-11-14 22:13:20 future$/);
      assert.match(line("past"), / 1960-01-01 00:00:00 past$/);
      assert.match(line("h"), new RegExp(`^h.* h link to ${LONG_NAME}$`));
      assert.is(lines.length, sample().length + paxSample().length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("tar: GNU tar extracts what we wrote (contents, modes, links)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kiln-tar-"));
    try {
      const file = join(dir, "layer.tar");
      const root = join(dir, "root");
      execFileSync("mkdir", [root]);
      const entries = sample().filter((e) => e.type !== "char" && e.type !== "block");
      writeFileSync(file, await collect(createTar([...entries, { type: "file", path: LONG_NAME, body: Buffer.from("long") }])));
      execFileSync("tar", ["-xf", file, "-C", root, "--numeric-owner"]);
      assert.is(readFileSync(join(root, "usr/bin/tool"), "utf8"), "tool\n");
      assert.is(statSync(join(root, "usr/bin/tool")).ino, statSync(join(root, "usr/bin/alias")).ino);
      assert.is(statSync(join(root, "usr/bin/alias")).mode & 0o7777, 0o4755);
      assert.is(readlinkSync(join(root, "usr/bin/sh")), "/bin/busybox");
      assert.ok(lstatSync(join(root, "tmp/pipe")).isFIFO());
      assert.is(readFileSync(join(root, LONG_NAME), "utf8"), "long");
      assert.is(readFileSync(join(root, "etc/passwd"), "utf8"), "root:x:0:0::/root:/bin/sh\n");
      assert.is(statSync(join(root, "etc/passwd")).mtimeMs, T.getTime());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// ---------------------------------------------------------------- tarBuffer: the same archive in memory

/** Names and link targets at the edges of the ustar fields (100 name, 155 prefix, 100 link). */
function edgeSample(): TarEntry[] {
  const p155 = `${"p".repeat(77)}/${"q".repeat(77)}`; // 155 bytes of prefix
  return [
    { type: "file", path: "n".repeat(100), body: Buffer.from("100") },
    { type: "file", path: "n".repeat(101), body: Buffer.from("101") },
    { type: "directory", path: "d".repeat(99) }, // 100 with its slash
    { type: "directory", path: "D".repeat(100) }, // 101 with its slash: split or PAX
    { type: "file", path: `${p155}/${"x".repeat(100)}`, body: Buffer.from("split") },
    { type: "file", path: `${p155}x/${"x".repeat(100)}`, body: Buffer.from("too long prefix") },
    { type: "symlink", path: "l100", target: "t".repeat(100) },
    { type: "symlink", path: "l101", target: "t".repeat(101) },
    { type: "symlink", path: "lutf", target: "ziel/ünï" }, // UTF-8 target that fits: no PAX
    { type: "file", path: "empty" },
    { type: "file", path: "exact-block", body: Buffer.alloc(512, 1) },
    { type: "file", path: "opener", size: 3, body: () => Buffer.from("abc") },
    { type: "file", path: "async-opener", size: 2, body: async () => Buffer.from("xy") },
    { type: "file", path: "stream", size: 5, body: () => Readable.from([Buffer.from("str"), Buffer.from("ea")]) },
    { type: "file", path: "big-mode", mode: 0o7777, uid: 262_143, gid: 262_143 },
    { type: "char", path: "dev/big", devmajor: 262_143, devminor: 0 },
    { type: "file", path: "pax-uid-and-long-name/".concat("z".repeat(200)), uid: 5_000_000, body: Buffer.from("both") },
    { type: "hardlink", path: "hl-utf-ö", target: "empty" },
  ];
}

/** Seeded random trees: every entry type, names of all lengths, UTF-8, ids and mtimes on both sides of the limits. */
function randomEntries(seed: number): TarEntry[] {
  let s = seed;
  const rnd = (n: number) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
  const word = () => ["a", "bb", "ü", "x".repeat(1 + rnd(60)), "é".repeat(1 + rnd(30)), "name.txt", ".wh.gone", ".wh..wh..opq"][rnd(8)]!;
  const ids = [0, 1, 1000, 262_143, 262_144, 3_000_000];
  const times = [undefined, new Date(0), T, new Date("1950-06-01T00:00:00Z"), new Date("2200-01-01T00:00:00Z"), new Date(1_700_000_000_999)];
  const out: TarEntry[] = [];
  const seen = new Set<string>();
  const n = 5 + rnd(40);
  for (let i = 0; i < n; i++) {
    const path = Array.from({ length: 1 + rnd(5) }, word).join("/");
    if (seen.has(path)) continue;
    seen.add(path);
    const common = { path, uid: ids[rnd(ids.length)]!, gid: ids[rnd(ids.length)]!, mode: rnd(0o10000), ...(times[rnd(times.length)] ? { mtime: times[rnd(times.length)]! } : {}) };
    switch (rnd(6)) {
      case 0:
        out.push({ ...common, type: "directory" });
        break;
      case 1:
        out.push({ ...common, type: "symlink", target: Array.from({ length: 1 + rnd(8) }, word).join("/") });
        break;
      case 2:
        out.push({ ...common, type: "fifo" });
        break;
      case 3:
        out.push({ ...common, type: "char", devmajor: rnd(300), devminor: rnd(300) });
        break;
      default: {
        const body = Buffer.alloc(rnd(1500), 0x41 + rnd(26));
        out.push(rnd(2) ? { ...common, type: "file", body } : { ...common, type: "file", size: body.byteLength, body: () => body });
      }
    }
  }
  const files = out.filter((e) => e.type === "file");
  if (files.length > 0) out.push({ type: "hardlink", path: "zz-link", target: files[rnd(files.length)]!.path });
  return out;
}

test("tarBuffer: byte for byte what createTar streams (every entry type, PAX, field edges, epochs)", async () => {
  const cases: [string, () => TarEntry[], { sourceDateEpoch?: number }][] = [
    ["sample", sample, {}],
    ["sample, epoch", sample, { sourceDateEpoch: 1_700_000_000 }],
    ["pax", paxSample, {}],
    ["pax, epoch", paxSample, { sourceDateEpoch: 1_700_000_000 }],
    ["edges", edgeSample, {}],
    ["empty", () => [], {}],
  ];
  for (let seed = 1; seed <= 40; seed++) cases.push([`random ${seed}`, () => randomEntries(seed), seed % 3 === 0 ? { sourceDateEpoch: 1_600_000_000 } : {}]);
  for (const [name, entries, options] of cases) {
    const streamed = await collect(createTar(entries(), options));
    const whole = await tarBuffer(entries(), options);
    assert.ok(whole.equals(streamed), `${name}: ${whole.length} bytes in memory, ${streamed.length} streamed`);
  }
});

test("tarBuffer: reads back with every entry and body", async () => {
  const entries = await readTar(await tarBuffer(edgeSample()));
  const by = new Map(entries.map((e) => [e.header.name, e]));
  assert.is(by.get("n".repeat(101))!.body.toString(), "101");
  assert.is(by.get("stream")!.body.toString(), "strea");
  assert.is(by.get("async-opener")!.body.toString(), "xy");
  assert.is(by.get("l101")!.header.linkname, "t".repeat(101));
  assert.is(by.get("lutf")!.header.linkname, "ziel/ünï");
  assert.is(entries.length, edgeSample().length);
});

test("tarBuffer: a body of the wrong size or a failing body fails it like createTar's stream", async () => {
  for (const body of [() => Buffer.from("ab"), () => Buffer.from("abcd"), () => Readable.from([Buffer.from("ab")]), () => Readable.from([Buffer.from("abcd")])]) {
    const err = await kilnError(() => tarBuffer([{ type: "file", path: "f", size: 3, body }]));
    assert.is(err.code, "tar-size-mismatch");
    assert.ok(err.message.startsWith("f:"), err.message);
  }
  try {
    await tarBuffer([{ type: "file", path: "b", size: 10, body: () => new Readable({ read() { this.destroy(new Error("disk on fire")); } }) }]);
    assert.unreachable("should fail");
  } catch (err) {
    assert.match(String(err), "disk on fire");
  }
  assert.is((await kilnError(() => tarBuffer([{ type: "file", path: "../x" }]))).code, "invalid-tar-path");
});

test("tarBuffer: each opener is called once", async () => {
  let opened = 0;
  await tarBuffer([{ type: "file", path: "f", size: 1, body: () => (opened++, Buffer.from("x")) }, { type: "file", path: "g", size: 1, body: async () => (opened++, Buffer.from("y")) }]);
  assert.is(opened, 2);
});

test("tarBodyBytes: the bytes of the bodies, Infinity when an opener has no size", () => {
  assert.is(tarBodyBytes([{ type: "file", path: "a", body: Buffer.alloc(3) }, { type: "file", path: "b", size: 4, body: () => Buffer.alloc(4) }, { type: "directory", path: "d" }, { type: "file", path: "e" }]), 7);
  assert.is(tarBodyBytes([{ type: "file", path: "a", body: () => Buffer.alloc(3) } as TarEntry]), Infinity);
});

test.run();
