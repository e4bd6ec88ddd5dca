import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Transform } from "node:stream";
import { compressor, detectCompression, GZIP_BLOCK_SIZE, gzipBackend, MemberGzip, ParallelGzip, peek } from "../../../image/formats/compression.js";
import { deflateAddon } from "../../../image/formats/native-gzip.js";
import { collect, gzipMembers } from "./helpers.js";

function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

type Make = (level: number, parallelism?: number) => Transform;

const addon = deflateAddon();
if (!addon && process.env["CI"] === "true") throw new Error("the gzip addon is required on CI: apt-get install libdeflate-dev, then npm run build");
if (!addon) console.warn("(skipping MemberGzip: dist/kiln-deflate.node was not built; apt-get install libdeflate-dev)");
/** Both gzips kiln has: the tests hold for each (CI builds the addon: libdeflate-dev). */
const BACKENDS: readonly (readonly [string, Make])[] = [
  ["ParallelGzip (zlib)", (level, parallelism) => new ParallelGzip(level, parallelism)],
  ...(addon ? [["MemberGzip (libdeflate)", (level: number, parallelism?: number) => new MemberGzip(addon, level, parallelism)] as const] : []),
];

function gz(make: Make, data: Buffer, chunk: number, parallelism?: number, level = 6): Promise<Buffer> {
  return collect(chunked(data, chunk).pipe(make(level, parallelism)));
}

/** Compressible bytes that repeat across block boundaries (so the dictionaries matter), with some noise. */
function layerLike(size: number): Buffer {
  const out = Buffer.alloc(size);
  const words = Buffer.from("usr/lib/x86_64-linux-gnu/libkiln.so.1 ELF \0\0\x7f\n");
  let seed = 12345;
  for (let i = 0; i < size; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = seed % 7 === 0 ? seed >>> 24 : words[i % words.length]!;
  }
  return out;
}

const B = GZIP_BLOCK_SIZE;
const BOUNDARY_SIZES = [0, 1, B - 1, B, B + 1, 2 * B, 2 * B + 1];

for (const [name, make] of BACKENDS) {
  test(`${name}: gzip any reader inflates, identical bytes however the input is chunked`, async () => {
    const text = Buffer.from("kiln layer data ".repeat(200_000)); // compressible, > 3 blocks
    const data = Buffer.concat([text, randomBytes(GZIP_BLOCK_SIZE + 17), text.subarray(0, 5000)]);
    const a = await gz(make, data, 65536);
    const b = await gz(make, data, 7777);
    const c = await gz(make, data, data.length);
    assert.ok(a.equals(b) && a.equals(c), "deterministic");
    assert.ok(gunzipSync(a).equals(data));
    assert.is(detectCompression(a), "gzip");
    assert.ok(a.length < data.length);
  });

  test(`${name}: empty and tiny inputs`, async () => {
    for (const data of [Buffer.alloc(0), Buffer.from("x"), Buffer.alloc(GZIP_BLOCK_SIZE, 7)]) {
      const out = await gz(make, data, 1000);
      assert.ok(gunzipSync(out).equals(data), `${data.length} bytes`);
    }
  });

  test(`${name}: gzip -t accepts it, and zcat and busybox zcat restore the input at every block boundary (empty, one block, block ± 1, two blocks)`, async () => {
    for (const size of BOUNDARY_SIZES) {
      const data = layerLike(size);
      const out = await gz(make, data, 65_536);
      const t = spawnSync("gzip", ["-t"], { input: out });
      assert.is(t.status, 0, `gzip -t on ${size} bytes: ${t.stderr}`);
      for (const zcat of [["zcat"], ["busybox", "zcat"]]) {
        const z = spawnSync(zcat[0]!, zcat.slice(1), { input: out, maxBuffer: 64 << 20 });
        assert.is(z.status, 0, `${zcat.join(" ")} on ${size} bytes: ${z.stderr}`);
        assert.ok(z.stdout.equals(data), `${zcat.join(" ")} restores ${size} bytes`);
      }
      // the last trailer's ISIZE: the whole input for one member, the last block for members
      assert.is(out.readUInt32LE(out.length - 4), name.startsWith("Member") && size > 0 ? size - (Math.ceil(size / B) - 1) * B : size, "ISIZE");
    }
  });

  test(`${name}: the same bytes every time for the same input and level, whatever the chunking, parallelism or run`, async () => {
    for (const size of BOUNDARY_SIZES) {
      const data = layerLike(size);
      const first = await gz(make, data, 65_536);
      for (const [chunk, parallelism] of [[1 << 20, 1], [4093, 2], [size + 1, 8], [65_536, 4]] as const) {
        assert.ok((await gz(make, data, chunk, parallelism)).equals(first), `${size} bytes, ${chunk}-byte chunks, ${parallelism} in flight`);
      }
    }
  });

  test(`${name}: the level is honoured (level 1 and 9 differ, both inflate)`, async () => {
    const data = layerLike(B + 4096);
    const fast = await gz(make, data, 65_536, undefined, 1);
    const best = await gz(make, data, 65_536, undefined, 9);
    assert.not.ok(fast.equals(best));
    assert.ok(gunzipSync(fast).equals(data) && gunzipSync(best).equals(data));
  });
}

if (addon) test("MemberGzip: one gzip member per 1 MiB block, each complete on its own", async () => {
  const data = layerLike(2 * B + 100);
  const out = await gz((level, parallelism) => new MemberGzip(addon!, level, parallelism), data, 65_536);
  // each member inflates by itself (CRC-32 and ISIZE checked) to its block, nothing after them
  const members = gzipMembers(out);
  assert.is(members.length, 3);
  for (const [i, member] of members.entries()) assert.ok(member.equals(data.subarray(i * B, (i + 1) * B)), `member ${i} is block ${i}`);
});

if (addon) test("the addon refuses a bad level and input that is not bytes", async () => {
  assert.throws(() => addon!.gzipBlock(Buffer.from("x"), 13, () => {}), /level/);
  assert.throws(() => addon!.gzipBlock("x" as never, 4, () => {}), /Uint8Array/);
});

test("compressor: none is no transform; gzip is MemberGzip with the addon, ParallelGzip with KILN_GZIP=zlib", () => {
  assert.is(compressor("none"), undefined);
  assert.ok(compressor("gzip") instanceof (addon ? MemberGzip : ParallelGzip));
  assert.match(gzipBackend(), addon ? /^libdeflate 1\./ : /^zlib /);
  process.env.KILN_GZIP = "zlib";
  try {
    assert.ok(compressor("gzip") instanceof ParallelGzip);
    assert.match(gzipBackend(), /^zlib /);
  } finally {
    delete process.env.KILN_GZIP;
  }
  assert.throws(() => deflateAddon({ KILN_GZIP: "pigz" }), /KILN_GZIP/);
  assert.throws(() => deflateAddon({ KILN_DEFLATE_ADDON: "/nonexistent/kiln-deflate.node" }), (e: Error) => /did not load/.test(e.message) && /nonexistent/.test(e.message));
});

test("peek: returns the head and the whole stream", async () => {
  const { head, stream } = await peek(Readable.from([Buffer.from("ab"), Buffer.from("cdef")], { objectMode: false }), 3);
  assert.is(head.toString(), "abc");
  assert.is((await collect(stream)).toString(), "abcdef");
  const empty = await peek(Readable.from([], { objectMode: false }), 4);
  assert.is(empty.head.length, 0);
});

test("ParallelGzip: the bytes are part of the format (layer digests stay reproducible): a pinned digest at the default level", async () => {
  const out = await collect(chunked(pinnedInput(), 70_001).pipe(new ParallelGzip()));
  assert.ok(gunzipSync(out).equals(pinnedInput()));
  // changed on purpose once: memLevel 8 → 9 (2026-11-24; image/formats/compression.ts). Stores
  // keep the gzip copies they remembered, so a store's pushes keep their digests across that.
  assert.is(createHash("sha256").update(out).digest("hex"), "2e7fd077c8fa19831e4e2cd0bd33a22ab73837f6b613472a34e735eb8d775ce6");
});

if (addon) test("MemberGzip: the bytes are part of the format: a pinned digest at the default level (libdeflate 1.14)", async () => {
  const out = await collect(chunked(pinnedInput(), 70_001).pipe(compressor("gzip")!));
  assert.ok(gunzipSync(out).equals(pinnedInput()));
  assert.is(addon!.version, "1.14", "another libdeflate may write other bytes: check the digest below and the docs");
  assert.is(createHash("sha256").update(out).digest("hex"), "f8bbb7016abba9feb23975fcd0420e1d7ab72734cc0aca199636d322f97bda23");
});

/** 2.1 MB of lines: three blocks. */
function pinnedInput(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 120_000; i++) lines.push(`line ${i} ${(i * 2654435761) % 1000003}\n`);
  return Buffer.from(lines.join(""));
}

test.run();
