/**
 * The push tar parser: GNU tar's formats (gnu, posix/pax, ustar, v7) read the same as tar-stream
 * reads them, whatever the chunk boundaries; base-256 numbers, long names, PAX records and
 * binary xattr values; broken archives are `invalid-tar`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { TarParser, type TarHeader } from "../../image/tar-parser.js";
import { cleanupTemps, tempDir } from "../runtime/helpers.js";
import { kilnError, padBlock as pad, paxRecord, readTar, ustarHeader as header } from "./helpers.js";

interface Parsed {
  header: TarHeader;
  body: Buffer;
}

/** Parses `archive` fed in pieces of `sizes` (cycled). */
function parse(archive: Buffer, sizes: number[] = [archive.length]): Parsed[] {
  const out: Parsed[] = [];
  const p = new TarParser((header) => {
    const chunks: Buffer[] = [];
    out.push({ header, body: Buffer.alloc(0) });
    const entry = out[out.length - 1]!;
    return {
      data: (b) => chunks.push(Buffer.from(b)), // a copy: the parser's slices are only valid during the call
      end: () => (entry.body = Buffer.concat(chunks)),
    };
  }, "test.tar");
  for (let off = 0, i = 0; off < archive.length; i++) {
    const n = sizes[i % sizes.length]!;
    p.push(archive.subarray(off, off + n));
    off += n;
  }
  p.end();
  return out;
}

const LONG = `${"d".repeat(120)}/${"long-name-".repeat(12)}.txt`;

/** A tree with what the formats disagree about: long names and links, a set-uid file, a fifo. */
function tree(): string {
  const root = join(tempDir("kiln-tarparse-"), "t");
  mkdirSync(join(root, "sub", "d".repeat(120)), { recursive: true });
  writeFileSync(join(root, "sub", "small"), "hello\n");
  writeFileSync(join(root, "sub", "big"), Buffer.alloc(70_000, 0x61));
  writeFileSync(join(root, "sub", "setuid"), "x", { mode: 0o4755 });
  writeFileSync(join(root, "sub", LONG), "long\n");
  mkdirSync(join(root, "sub", "p".repeat(90)));
  writeFileSync(join(root, "sub", "p".repeat(90), "q".repeat(40)), "prefixed\n"); // ustar: in the prefix field
  symlinkSync(`../${"t".repeat(150)}`, join(root, "sub", "longlink"));
  execFileSync("mkfifo", [join(root, "sub", "fifo")]);
  execFileSync("ln", [join(root, "sub", "small"), join(root, "sub", "hard")]);
  for (const f of ["small", "big", "setuid"]) utimesSync(join(root, "sub", f), 1_600_000_000, 1_600_000_000);
  return root;
}

function gnuTar(root: string, format: string, extra: string[] = []): Buffer {
  return execFileSync("tar", ["-c", `--format=${format}`, "--sort=name", ...extra, "-C", root, "sub"], { maxBuffer: 64 << 20 });
}

for (const format of ["gnu", "posix", "ustar"]) {
  test(`tar parser: GNU tar's ${format} format reads as tar-stream reads it, in any chunking`, async () => {
    const root = tree();
    // ustar cannot hold the long names: leave them out there
    const archive = gnuTar(root, format, format === "ustar" ? ["--exclude=sub/longlink", `--exclude=sub/${"d".repeat(120)}`] : []);
    const oracle = await readTar(archive);
    const whole = parse(archive);
    assert.equal(
      whole.map((e) => [e.header.name, e.header.type, e.header.mode, e.header.uid, e.header.gid, Math.floor(e.header.mtime), e.header.linkname, e.body.toString("base64")]),
      oracle.map((e) => [e.header.name, e.header.type, e.header.mode, e.header.uid, e.header.gid, e.header.mtime!.getTime() / 1000, e.header.linkname ?? "", e.body.toString("base64")]),
    );
    assert.ok(whole.some((e) => e.header.name.endsWith("long-name-.txt") || format === "ustar"));
    assert.ok(whole.some((e) => e.header.name === `sub/${"p".repeat(90)}/${"q".repeat(40)}` && e.body.toString() === "prefixed\n"));
    for (const sizes of [[1], [7, 511], [513, 100_000], [512]]) assert.equal(parse(archive, sizes), whole, `chunks of ${sizes}`);
  });
}

test("tar parser: v7 headers (no magic) and base-256 numbers (GNU's big uids)", () => {
  const root = tree();
  const v7 = parse(gnuTar(root, "v7", ["--exclude=sub/longlink", `--exclude=sub/${"d".repeat(120)}`, `--exclude=sub/${"p".repeat(90)}`, "--exclude=sub/fifo"]));
  assert.ok(v7.some((e) => e.header.name === "sub/setuid" && e.header.mode === 0o4755 && e.body.toString() === "x"));
  assert.ok(v7.some((e) => e.header.name === "sub/" && e.header.type === "directory"));
  const big = parse(gnuTar(root, "gnu", ["--owner=someone:3000000000", "--group=grp:4000000000"]));
  assert.ok(big.length > 0);
  for (const e of big) {
    assert.is(e.header.uid, 3_000_000_000);
    assert.is(e.header.gid, 4_000_000_000);
  }
  const pax = parse(gnuTar(root, "posix", ["--owner=someone:3000000000"]));
  for (const e of pax) assert.is(e.header.uid, 3_000_000_000, "from the PAX uid record");
});

test("tar parser: PAX records are kept; xattr values byte for byte", () => {
  const value = Buffer.from([0x00, 0xff, 0xc3, 0xa9, 0x0a]);
  const paxBody = Buffer.concat([paxRecord("SCHILY.xattr.user.bin", value), paxRecord("path", Buffer.from("é/named")), paxRecord("mtime", Buffer.from("1234.5"))]);
  const archive = Buffer.concat([header("PaxHeaders/x", "x", paxBody.length), pad(paxBody), header("short", "0", 3), pad(Buffer.from("abc")), Buffer.alloc(1024)]);
  const [e] = parse(archive);
  assert.is(e!.header.name, "é/named");
  assert.is(e!.header.mtime, 1234.5);
  assert.equal(Buffer.from(e!.header.pax!["SCHILY.xattr.user.bin"]!, "latin1"), value);
  assert.is(e!.body.toString(), "abc");
});

test("tar parser: global PAX headers are skipped; unknown types are reported with their flag, bodies skipped; a file named with a trailing / is a directory (old tars)", () => {
  const g = Buffer.from("17 path=ignored\n");
  const archive = Buffer.concat([header("g", "g", g.length), pad(g), header("sparse", "S", 5), pad(Buffer.from("12345")), header("after", "0", 1), pad(Buffer.from("z")), header("old/", "0", 0), Buffer.alloc(1024)]);
  const out = parse(archive);
  assert.equal(out.map((e) => [e.header.name, e.header.type, e.header.flag, e.body.toString()]), [["sparse", "unsupported", "S", "12345"], ["after", "file", "0", "z"], ["old/", "directory", "0", ""]]);
});

test("tar parser: a corrupt header, a truncated body or meta header are invalid-tar", async () => {
  const good = Buffer.concat([header("f", "0", 600), pad(Buffer.alloc(600, 1)), Buffer.alloc(1024)]);
  const corrupt = Buffer.from(good);
  corrupt[10] = 0x41;
  assert.match((await kilnError(() => parse(corrupt))).message, "test.tar: bad tar header checksum (corrupt, or not a tar) at byte 0");
  for (const cut of [100, 512 + 300, 512 + 1024 - 1]) {
    const err = await kilnError(() => parse(good.subarray(0, cut)));
    assert.is(err.code, "invalid-tar");
    assert.match(err.message, "ends inside an entry");
  }
  const meta = Buffer.concat([header("L", "L", 300), Buffer.alloc(100, 0x61)]);
  assert.is((await kilnError(() => parse(meta))).code, "invalid-tar");
  assert.is((await kilnError(() => parse(header("L", "L", 2 << 20)))).code, "invalid-tar");
  // a clean end without the end-of-archive blocks is accepted (as Go's reader does)
  assert.is(parse(good.subarray(0, 512 + 1024)).length, 1);
});

test.after(() => cleanupTemps());
test.run();
