import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { compressor, detectCompression, GZIP_BLOCK_SIZE, ParallelGzip, peek } from "../../../image/formats/compression.js";
import { collect } from "./helpers.js";

function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

async function gz(data: Buffer, chunk: number, parallelism?: number): Promise<Buffer> {
  return collect(chunked(data, chunk).pipe(new ParallelGzip(6, parallelism)));
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

test("ParallelGzip: one gzip member any reader inflates, identical bytes however the input is chunked", async () => {
  const text = Buffer.from("kiln layer data ".repeat(200_000)); // compressible, > 3 blocks
  const data = Buffer.concat([text, randomBytes(GZIP_BLOCK_SIZE + 17), text.subarray(0, 5000)]);
  const a = await gz(data, 65536);
  const b = await gz(data, 7777);
  const c = await gz(data, data.length);
  assert.ok(a.equals(b) && a.equals(c), "deterministic");
  assert.ok(gunzipSync(a).equals(data));
  assert.is(detectCompression(a), "gzip");
  assert.ok(a.length < data.length);
});

test("ParallelGzip: empty and tiny inputs", async () => {
  for (const data of [Buffer.alloc(0), Buffer.from("x"), Buffer.alloc(GZIP_BLOCK_SIZE, 7)]) {
    const out = await gz(data, 1000);
    assert.ok(gunzipSync(out).equals(data), `${data.length} bytes`);
  }
});

test("ParallelGzip: gzip -t accepts it and zcat restores the input at every block boundary (empty, one block, block ± 1, two blocks)", async () => {
  for (const size of BOUNDARY_SIZES) {
    const data = layerLike(size);
    const out = await gz(data, 65_536);
    const t = spawnSync("gzip", ["-t"], { input: out });
    assert.is(t.status, 0, `gzip -t on ${size} bytes: ${t.stderr}`);
    const z = spawnSync("zcat", [], { input: out, maxBuffer: 64 << 20 });
    assert.is(z.status, 0, `zcat on ${size} bytes`);
    assert.ok(z.stdout.equals(data), `zcat restores ${size} bytes`);
    assert.is(out.readUInt32LE(out.length - 4), size, "ISIZE");
  }
});

test("ParallelGzip: the same bytes every time for the same input and level, whatever the chunking, parallelism or run", async () => {
  for (const size of BOUNDARY_SIZES) {
    const data = layerLike(size);
    const first = await gz(data, 65_536);
    for (const [chunk, parallelism] of [[1 << 20, 1], [4093, 2], [size + 1, 8], [65_536, 4]] as const) {
      assert.ok((await gz(data, chunk, parallelism)).equals(first), `${size} bytes, ${chunk}-byte chunks, ${parallelism} in flight`);
    }
  }
});

test("ParallelGzip: the level is honoured (level 1 and 9 differ, both inflate)", async () => {
  const data = layerLike(B + 4096);
  const fast = await collect(chunked(data, 65_536).pipe(new ParallelGzip(1)));
  const best = await collect(chunked(data, 65_536).pipe(new ParallelGzip(9)));
  assert.not.ok(fast.equals(best));
  assert.ok(gunzipSync(fast).equals(data) && gunzipSync(best).equals(data));
});

test("compressor: none is no transform; gzip is ParallelGzip", () => {
  assert.is(compressor("none"), undefined);
  assert.ok(compressor("gzip") instanceof ParallelGzip);
});

test("peek: returns the head and the whole stream", async () => {
  const { head, stream } = await peek(Readable.from([Buffer.from("ab"), Buffer.from("cdef")], { objectMode: false }), 3);
  assert.is(head.toString(), "abc");
  assert.is((await collect(stream)).toString(), "abcdef");
  const empty = await peek(Readable.from([], { objectMode: false }), 4);
  assert.is(empty.head.length, 0);
});

test("ParallelGzip: the bytes are part of the format (layer digests stay reproducible): a pinned digest at the default level", async () => {
  const lines: string[] = [];
  for (let i = 0; i < 120_000; i++) lines.push(`line ${i} ${(i * 2654435761) % 1000003}\n`);
  const input = Buffer.from(lines.join("")); // 2.1 MB: three blocks, dictionaries in play
  const out = await collect(chunked(input, 70_001).pipe(compressor("gzip")!));
  assert.ok(gunzipSync(out).equals(input));
  // changed on purpose once: memLevel 8 → 9 (2026-11-24; image/formats/compression.ts). Stores
  // keep the gzip copies they remembered, so a store's pushes keep their digests across that.
  assert.is(createHash("sha256").update(out).digest("hex"), "2e7fd077c8fa19831e4e2cd0bd33a22ab73837f6b613472a34e735eb8d775ce6");
});

test.run();
