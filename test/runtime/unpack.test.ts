/**
 * Unpacking layers: malicious archives (a table of attacks, each checked to touch nothing outside
 * the target directory), both unpack forms, gzip by content, metadata.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { KilnError } from "../../util/errors.js";
import { readXattrs, unpackLayer, type UnpackMode } from "../../runtime/index.js";
import { padBlock, paxRecord, ustarHeader } from "../image/helpers.js";
import { cleanupTemps, isRoot, rawTar, tempDir, type Raw } from "./helpers.js";

function setup() {
  const base = tempDir("kiln-unpack-");
  const dest = join(base, "dest");
  const outside = join(base, "outside");
  mkdirSync(dest);
  mkdirSync(outside);
  writeFileSync(join(outside, "victim"), "victim\n");
  return { base, dest, outside };
}

function snapshotOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = lstatSync(p);
      out.push(`${rel}${n} ${st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : st.isDirectory() ? "dir" : readFileSync(p, "utf8")}`);
      if (st.isDirectory()) walk(p, `${rel}${n}/`);
    }
  };
  walk(dir, "");
  return out;
}

interface Attack {
  what: string;
  entries: (outside: string) => Raw[];
  /** undefined: must be refused with unsafe-layer; else the file that must exist inside dest. */
  lands?: string;
}

const attacks: Attack[] = [
  { what: "'..' in a name", entries: () => [{ name: "../outside/victim", body: "pwned" }] },
  { what: "'..' in the middle", entries: () => [{ name: "a/../../outside/victim", body: "pwned" }] },
  { what: "absolute name is taken from the root", entries: (o) => [{ name: `${o}/victim`, body: "pwned" }], lands: "OUTSIDE/victim" },
  { what: "absolute symlink then a file through it", entries: (o) => [{ name: "evil", type: "symlink", linkname: o }, { name: "evil/victim", body: "pwned" }], lands: "OUTSIDE/victim" },
  { what: "relative symlink climbing out then a file through it", entries: () => [{ name: "evil", type: "symlink", linkname: "../../../../../../outside" }, { name: "evil/victim", body: "pwned" }], lands: "outside/victim" },
  { what: "symlink chain out", entries: () => [{ name: "a", type: "symlink", linkname: "b/.." }, { name: "b", type: "symlink", linkname: "../.." }, { name: "a/outside/victim", body: "pwned" }], lands: "outside/victim" },
  { what: "symlink to a dir, then a dir through it, then a file", entries: (o) => [{ name: "evil", type: "symlink", linkname: `${o}/..` }, { name: "evil/outside", type: "directory" }, { name: "evil/outside/victim", body: "pwned" }], lands: "OUTSIDEPARENT/outside/victim" },
  { what: "a directory used, then replaced by a symlink, then a file through it", entries: (o) => [{ name: "d", type: "directory" }, { name: "d/first", body: "ok" }, { name: "d", type: "symlink", linkname: o }, { name: "d/victim", body: "pwned" }], lands: "OUTSIDE/victim" },
  { what: "a file used as a parent, then a symlink in its place", entries: (o) => [{ name: "p/q/f", body: "ok" }, { name: "p/q", type: "symlink", linkname: o }, { name: "p/q/victim", body: "pwned" }], lands: "OUTSIDE/victim" },
  { what: "a file over an existing symlink replaces the link", entries: (o) => [{ name: "link", type: "symlink", linkname: `${o}/victim` }, { name: "link", body: "pwned" }], lands: "link" },
  { what: "hard link with '..'", entries: () => [{ name: "h", type: "link", linkname: "../outside/victim" }] },
  { what: "hard link to an absolute host path (not in the layer)", entries: (o) => [{ name: "h", type: "link", linkname: `${o}/victim` }] },
  { what: "hard link through a symlink leaving the layer", entries: (o) => [{ name: "s", type: "symlink", linkname: o }, { name: "h", type: "link", linkname: "s/victim" }] },
  { what: "hard link to a directory", entries: () => [{ name: "d", type: "directory" }, { name: "h", type: "link", linkname: "d" }] },
  { what: "whiteout with '..'", entries: () => [{ name: "../outside/.wh.victim" }] },
  { what: "whiteout of '..'", entries: () => [{ name: "a/.wh.." }] },
  { what: "whiteout through a symlink", entries: (o) => [{ name: "evil", type: "symlink", linkname: o }, { name: "evil/.wh.victim" }], lands: "" },
  { what: "opaque marker through a symlink", entries: (o) => [{ name: "evil", type: "symlink", linkname: o }, { name: "evil/.wh..wh..opq" }], lands: "" },
];

for (const mode of ["merged", "overlay"] as UnpackMode[]) {
  for (const attack of attacks) {
    test(`unpack (${mode}): ${attack.what}`, async () => {
      if (mode === "overlay" && !isRoot && attack.what.includes("whiteout")) return;
      const { dest, outside, base } = setup();
      const before = snapshotOf(outside);
      const tar = await rawTar(attack.entries(outside));
      let error: unknown;
      try {
        await unpackLayer(Readable.from([tar]), dest, { mode });
      } catch (err) {
        error = err;
      }
      // nothing outside dest changed, whatever happened
      assert.equal(snapshotOf(outside), before);
      if (attack.lands === undefined) {
        assert.instance(error, KilnError, `expected a refusal, got ${String(error)}`);
        assert.is((error as KilnError).code, "unsafe-layer");
      } else {
        assert.is(error, undefined, String(error));
        if (attack.lands !== "") {
          const p = attack.lands.replace("OUTSIDEPARENT", base.slice(1)).replace("OUTSIDE", outside.slice(1));
          assert.is(readFileSync(join(dest, p), "utf8"), "pwned", `expected the file inside at ${p}`);
        }
      }
    });
  }
}

test("unpack: gzip is recognised by content; metadata kept; directory mtimes set after children", async () => {
  const { dest } = setup();
  const t = new Date("2010-01-01T00:00:00Z");
  const tar = await rawTar([
    { name: "dir", type: "directory", mode: 0o710, uid: 1000, gid: 50, mtime: t },
    { name: "dir/file", body: "hello", mode: 0o4751, uid: 1000, gid: 50, mtime: t },
    { name: "dir/link", type: "symlink", linkname: "file", mtime: t },
    { name: "dir/hard", type: "link", linkname: "dir/file" },
    { name: "dir/fifo", type: "fifo", mode: 0o600 },
    ...(isRoot ? [{ name: "dir/null", type: "character-device" as const, devmajor: 1, devminor: 3, mode: 0o666 }] : []),
  ]);
  const stats = await unpackLayer(Readable.from([gzipSync(tar)]), dest, { mode: "merged" });
  assert.is(stats.entries, isRoot ? 6 : 5);
  const d = lstatSync(join(dest, "dir"));
  assert.is(d.mode & 0o7777, 0o710);
  assert.is(d.mtime.getTime(), t.getTime());
  const f = lstatSync(join(dest, "dir/file"));
  assert.is(f.mode & 0o7777, 0o4751);
  if (isRoot) {
    assert.is(f.uid, 1000);
    assert.is(f.gid, 50);
    assert.ok(lstatSync(join(dest, "dir/null")).isCharacterDevice());
  }
  assert.is(f.nlink, 2);
  assert.is(readlinkSync(join(dest, "dir/link")), "file");
  assert.is(lstatSync(join(dest, "dir/link")).mtime.getTime(), t.getTime());
  assert.ok(lstatSync(join(dest, "dir/fifo")).isFIFO());
});

test("unpack (merged): whiteouts delete lower entries, opaque keeps this layer's own", async () => {
  const { dest } = setup();
  await unpackLayer(Readable.from([await rawTar([{ name: "a/x", body: "1" }, { name: "a/y", body: "2" }, { name: "b/z", body: "3" }, { name: "c", body: "4" }])]), dest, { mode: "merged" });
  await unpackLayer(Readable.from([await rawTar([{ name: "a/new", body: "5" }, { name: "a/.wh..wh..opq" }, { name: ".wh.c" }, { name: "b/.wh.z" }])]), dest, { mode: "merged" });
  assert.equal(readdirSync(join(dest, "a")), ["new"]);
  assert.equal(readdirSync(join(dest, "b")), []);
  assert.not.ok(existsSync(join(dest, "c")));
});

test("unpack (overlay): whiteouts become char 0/0, opaque dirs are reported", async () => {
  if (!isRoot) return;
  const { dest } = setup();
  const stats = await unpackLayer(Readable.from([await rawTar([{ name: "a/.wh..wh..opq" }, { name: "a/n", body: "1" }, { name: ".wh.c" }])]), dest, { mode: "overlay" });
  assert.equal(stats.opaque, ["a"]);
  assert.equal(stats.whiteouts, ["c"]);
  const c = lstatSync(join(dest, "c"));
  assert.ok(c.isCharacterDevice());
  assert.is(c.rdev, 0);
});

test("unpack without root: a device node is skipped with a warning, the rest unpacks (overlay whiteouts too)", async () => {
  if (!isRoot || !existsSync("/usr/bin/setpriv")) return; // as root, the test drops to nobody itself
  const base = tempDir("kiln-unpack-nonroot-");
  const layer = join(base, "layer.tar");
  writeFileSync(layer, await rawTar([{ name: "dev/null", type: "character-device", devmajor: 1, devminor: 3, mode: 0o666 }, { name: "kept", body: "k" }, { name: ".wh.gone" }]));
  const dest = join(base, "dest");
  const script = join(base, "child.mjs");
  writeFileSync(
    script,
    `import { createReadStream } from "node:fs";
import { unpackLayer } from ${JSON.stringify(new URL("../../runtime/index.js", import.meta.url).pathname)};
const warnings = [];
const stats = await unpackLayer(createReadStream(${JSON.stringify(layer)}), ${JSON.stringify(dest)}, { mode: "overlay", onWarning: (m) => warnings.push(m) });
console.log(JSON.stringify({ warnings, whiteouts: stats.whiteouts }));
`,
  );
  mkdirSync(dest);
  spawnSync("chown", ["-R", "65534:65534", base]);
  spawnSync("chmod", ["755", base]);
  const r = spawnSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, script], { encoding: "utf8" });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout), { warnings: ["skipped device node dev/null: creating device nodes needs root"], whiteouts: ["gone"] });
  assert.not.ok(existsSync(join(dest, "dev/null")));
  assert.is(readFileSync(join(dest, "kept"), "utf8"), "k");
  assert.ok(lstatSync(join(dest, "gone")).isCharacterDevice(), "an unprivileged whiteout (char 0/0) was made");
});

/** The tree under `dir`: path, type, mode, body or link target. */
function treeOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = lstatSync(p);
      const what = st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : st.isDirectory() ? "dir" : readFileSync(p, "utf8");
      out.push(`${rel}${n} ${(st.mode & 0o7777).toString(8)} ${what}`);
      if (st.isDirectory()) walk(p, `${rel}${n}/`);
    }
  };
  walk(dir, "");
  return out;
}

test("unpack: the same tree whatever the chunk boundaries (bodies split across chunks, headers too)", async () => {
  const tar = await rawTar([
    { name: "d/", type: "directory", mode: 0o750 },
    { name: "d/big", body: "x".repeat(5000) + "end", mode: 0o640 },
    { name: "d/small", body: "s" },
    { name: "d/empty", body: "" },
    { name: "d/link", type: "symlink", linkname: "big" },
  ]);
  const whole = setup().dest;
  await unpackLayer(Readable.from([tar]), whole, { mode: "merged" });
  for (const size of [1, 7, 511, 513, 4096]) {
    const pieces: Buffer[] = [];
    for (let off = 0; off < tar.length; off += size) pieces.push(tar.subarray(off, off + size));
    const dest = setup().dest;
    await unpackLayer(Readable.from(pieces), dest, { mode: "merged" });
    assert.equal(treeOf(dest), treeOf(whole), `chunks of ${size}`);
  }
  assert.ok(treeOf(whole).includes(`d/big 640 ${"x".repeat(5000)}end`));
});

for (const mode of ["merged", "overlay"] as UnpackMode[]) {
  test(`unpack (${mode}): later entries replace earlier ones, in a fresh directory and over an existing tree`, async () => {
    const entries: Raw[] = [
      { name: "a/b/f", body: "implicit parents" },
      { name: "a", type: "directory", mode: 0o711 }, // a directory made implicitly, then listed
      { name: "twice", body: "first" },
      { name: "twice", body: "second" },
      { name: "fileThenDir", body: "file" },
      { name: "fileThenDir", type: "directory", mode: 0o700 },
      { name: "dirThenFile/x", body: "gone" },
      { name: "dirThenFile", body: "file now" },
      { name: "linkThenFile", type: "symlink", linkname: "twice" },
      { name: "linkThenFile", body: "not through the link" },
    ];
    const fresh = setup().dest;
    await unpackLayer(Readable.from([await rawTar(entries)]), fresh, { mode });
    const expected = [
      "a 711 dir",
      "a/b 755 dir",
      "a/b/f 644 implicit parents",
      "dirThenFile 644 file now",
      "fileThenDir 700 dir",
      "linkThenFile 644 not through the link",
      "twice 644 second",
    ];
    assert.equal(treeOf(fresh), expected);
    // over a tree holding the same names with other types
    const used = setup().dest;
    await unpackLayer(Readable.from([await rawTar([{ name: "twice", type: "directory" }, { name: "twice/in", body: "lower" }, { name: "fileThenDir", type: "symlink", linkname: "/" }, { name: "dirThenFile", type: "directory" }, { name: "a", type: "directory", mode: 0o700 }, { name: "linkThenFile", type: "symlink", linkname: "a" }])]), used, { mode: "merged" });
    await unpackLayer(Readable.from([await rawTar(entries)]), used, { mode });
    assert.equal(treeOf(used), expected);
  });
}

test("unpack: a truncated layer is invalid-tar; a layer that is not its diff_id is digest-mismatch", async () => {
  const tar = await rawTar([{ name: "f", body: "y".repeat(2000) }]);
  const truncated = setup().dest;
  try {
    await unpackLayer(Readable.from([tar.subarray(0, 1000)]), truncated, { mode: "merged", what: "layer 1" });
    assert.unreachable("a truncated layer unpacked");
  } catch (err) {
    assert.is((err as KilnError).code, "invalid-tar", String(err));
    assert.match((err as Error).message, "layer 1: the archive ends inside an entry");
  }
  const wrong = `sha256:${"0".repeat(64)}` as const;
  try {
    await unpackLayer(Readable.from([tar]), setup().dest, { mode: "merged", diffId: wrong, what: "layer 2" });
    assert.unreachable("a layer with the wrong diff_id unpacked");
  } catch (err) {
    assert.is((err as KilnError).code, "digest-mismatch", String(err));
    assert.match((err as Error).message, `layer 2: the uncompressed layer is sha256:`);
  }
});

test("unpack: SCHILY.xattr values are set byte for byte (root)", async () => {
  if (!isRoot) return;
  const value = Buffer.from([0x00, 0xff, 0xc3, 0xa9]);
  const pax = paxRecord("SCHILY.xattr.user.bin", value);
  const tar = Buffer.concat([ustarHeader("PaxHeaders/f", "x", pax.length), padBlock(pax), ustarHeader("f", "0", 1), padBlock(Buffer.from("z")), Buffer.alloc(1024)]);
  const dest = setup().dest;
  await unpackLayer(Readable.from([tar]), dest, { mode: "merged" });
  const attrs = await readXattrs(dest);
  assert.equal(attrs.get("f")?.get("user.bin"), value);
});

test.after(() => cleanupTemps());
test.run();
