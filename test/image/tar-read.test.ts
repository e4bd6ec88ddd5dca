/** Reading outside tar archives: sniffing, safe names, sanitizeLayerTar, and flattening layers. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import tarStream from "tar-stream";
import {
  createTar,
  flattenLayers,
  layerFromBytes,
  MediaType,
  safeMemberPath,
  sanitizeLayerTar,
  sniffCompression,
  type TarEntry,
} from "../../image/index.js";
import { collect, kilnError, readTar, streamOf } from "./helpers.js";

/** A raw tar with exactly these headers (names not normalised), via tar-stream. */
async function rawTar(entries: { name: string; type?: tarStream.Header["type"]; linkname?: string; body?: string; mode?: number }[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? "file", ...(e.linkname ? { linkname: e.linkname } : {}), ...(e.mode !== undefined ? { mode: e.mode === 0 ? 0o100000 : e.mode } : {}) };
    await new Promise<void>((resolve, reject) => {
      const cb = (err?: Error | null) => (err ? reject(err) : resolve());
      if ((e.type ?? "file") === "file") pack.entry(header, e.body ?? "", cb);
      else pack.entry(header, cb);
    });
  }
  pack.finalize();
  return collect(pack as unknown as AsyncIterable<Uint8Array>);
}

test("sniffCompression reads magic numbers", () => {
  assert.is(sniffCompression(gzipSync(Buffer.from("x"))), "gzip");
  assert.is(sniffCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])), "zstd");
  assert.is(sniffCompression(Buffer.from("BZh91AY")), "bzip2");
  assert.is(sniffCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), "xz");
  assert.is(sniffCompression(Buffer.from("bin/")), "none");
});

test("safeMemberPath: relative, clean, never above the root", () => {
  assert.is(safeMemberPath("/etc/passwd", "t"), "etc/passwd");
  assert.is(safeMemberPath("./a//b/./c/", "t"), "a/b/c");
  assert.is(safeMemberPath("a/../b", "t"), "b");
  assert.is(safeMemberPath("./", "t"), undefined);
  assert.is(safeMemberPath("/", "t"), undefined);
  for (const bad of ["../etc", "a/../../b", "/../x"]) assert.throws(() => safeMemberPath(bad, "t"), (e: Error) => /escapes the root/.test(e.message));
});

test("sanitizeLayerTar keeps content, order, modes and owners; makes names relative", async () => {
  const input = await rawTar([
    { name: "./", type: "directory" },
    { name: "/etc/", type: "directory", mode: 0o755 },
    { name: "/etc/passwd", body: "root:x:0:0\n", mode: 0o644 },
    { name: "./bin/su", body: "suid", mode: 0o4755 },
    { name: "bin/sh", type: "symlink", linkname: "/bin/busybox" },
    { name: "bin/sh2", type: "link", linkname: "/bin/su" },
    { name: "zero", body: "", mode: 0 },
  ]);
  for (const bytes of [input, gzipSync(input)]) {
    const out = await readTar(await collect(sanitizeLayerTar(streamOf(bytes), "test.tar")));
    assert.equal(out.map((e) => e.header.name), ["etc", "etc/passwd", "bin/su", "bin/sh", "bin/sh2", "zero"]);
    assert.is(out[1]!.body.toString(), "root:x:0:0\n");
    assert.is(out[2]!.header.mode, 0o4755);
    assert.is(out[3]!.header.linkname, "/bin/busybox", "symlink targets are kept verbatim");
    assert.is(out[4]!.header.linkname, "bin/su", "hard link targets are made relative");
    assert.is(out[5]!.header.mode, 0, "mode 0 stays 0");
  }
});

test("sanitizeLayerTar refuses escapes, corrupt, truncated, empty and unsupported input", async () => {
  const good = await rawTar([{ name: "a", body: "x".repeat(3000) }]);
  const cases: [string, Buffer, string, RegExp][] = [
    ["dotdot", await rawTar([{ name: "../evil", body: "x" }]), "unsafe-tar-path", /escapes the root/],
    ["hardlink out", await rawTar([{ name: "a", body: "x" }, { name: "b", type: "link", linkname: "../../etc/shadow" }]), "unsafe-tar-path", /escapes/],
    ["truncated", good.subarray(0, 1200), "invalid-tar", /truncated/],
    ["garbage", Buffer.from("this is not a tar archive at all ".repeat(40)), "invalid-tar", /not a tar archive/],
    ["empty", Buffer.alloc(0), "invalid-tar", /empty/],
    ["truncated gzip", gzipSync(good).subarray(0, 40), "invalid-tar", /gzip/],
    ["bzip2", Buffer.from("BZh91AY&SY....."), "unsupported-compression", /bzip2/],
  ];
  for (const [name, bytes, code, message] of cases) {
    const err = await kilnError(() => collect(sanitizeLayerTar(streamOf(bytes), "in.tar")));
    assert.is(err.code, code, `${name}: ${err.message}`);
    assert.match(err.message, message, name);
    assert.match(err.message, /in\.tar/, `${name} names the archive`);
  }
});

async function layer(entries: TarEntry[]) {
  return layerFromBytes(await collect(createTar(entries)));
}

test("flattenLayers applies layers in order: overwrite, whiteout, opaque dir, dir replaced by file, hard links", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-flatten-"));
  try {
    const base = await layer([
      { type: "directory", path: "etc" },
      { type: "file", path: "etc/a", body: Buffer.from("a1") },
      { type: "file", path: "etc/b", body: Buffer.from("b1") },
      { type: "directory", path: "opq" },
      { type: "file", path: "opq/old", body: Buffer.from("old") },
      { type: "directory", path: "d" },
      { type: "file", path: "d/inner", body: Buffer.from("gone") },
      { type: "file", path: "bin/tool", body: Buffer.from("tool"), mode: 0o4755, uid: 0, gid: 0 },
      { type: "hardlink", path: "bin/tool2", target: "bin/tool" },
      { type: "symlink", path: "bin/sh", target: "/bin/busybox" },
    ]);
    const top = await layer([
      { type: "file", path: "etc/a", body: Buffer.from("a2"), uid: 1000, gid: 1000 },
      { type: "file", path: "etc/.wh.b" },
      { type: "file", path: "opq/.wh..wh..opq" },
      { type: "file", path: "opq/new", body: Buffer.from("new") },
      { type: "file", path: "d", body: Buffer.from("now a file") },
      { type: "hardlink", path: "bin/tool3", target: "bin/tool" },
    ]);
    const gz = layerFromBytes(gzipSync(await collect(await top.open())), { mediaType: MediaType.OciLayerGzip });
    const spool = join(dir, "spool");
    const out = await readTar(await collect(await flattenLayers([base, gz], { spoolFile: spool })));
    const byName = new Map(out.map((e) => [e.header.name.replace(/\/$/, ""), e]));
    assert.equal([...byName.keys()], ["bin", "bin/sh", "bin/tool", "bin/tool2", "bin/tool3", "d", "etc", "etc/a", "opq", "opq/new"].filter((n) => byName.has(n)));
    assert.is(byName.get("etc/a")!.body.toString(), "a2");
    assert.is(byName.get("etc/a")!.header.uid, 1000);
    assert.not.ok(byName.has("etc/b"), "whiteout deletes");
    assert.not.ok(byName.has("opq/old"), "opaque hides lower contents");
    assert.is(byName.get("d")!.header.type, "file");
    assert.not.ok(byName.has("d/inner"));
    assert.is(byName.get("bin/tool")!.header.mode, 0o4755);
    assert.is(byName.get("bin/tool")!.body.toString(), "tool");
    assert.is(byName.get("bin/tool2")!.header.type, "link");
    assert.is(byName.get("bin/tool2")!.header.linkname, "bin/tool");
    assert.is(byName.get("bin/tool3")!.header.linkname, "bin/tool");
    assert.is(byName.get("bin/sh")!.header.linkname, "/bin/busybox");
    assert.not.ok((await import("node:fs")).existsSync(spool), "the spool is removed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
