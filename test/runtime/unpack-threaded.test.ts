/**
 * Unpacking with the file writer threads (runtime/file-writers.ts): a layer's regular files are
 * written by worker threads from its 64th file on. The result must not depend on it: the whole
 * unpack specification (test/runtime/unpack.test.ts, attacks included) passes with every file
 * threaded, a layer mixing files with links, replacements and whiteouts unpacks to the same tree
 * either way, and a file a thread cannot write fails the unpack naming the entry.
 */
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { KilnError } from "../../util/errors.js";
import { unpackLayer, type UnpackMode } from "../../runtime/index.js";
import { cleanupTemps, rawTar, tempDir, type Raw } from "./helpers.js";

/**
 * Every path under `dir` with its type, mode, owner, content (or link target) and, for files and
 * links, mtime (a whiteout device is made when it is unpacked).
 */
function treeOf(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const r = rel === "" ? name : `${rel}/${name}`;
      const st = lstatSync(p);
      const what = st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : st.isFile() ? createHash("sha256").update(readFileSync(p)).digest("hex").slice(0, 16) : st.isDirectory() ? "dir" : "other";
      out.push(`${r} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.isFile() || st.isSymbolicLink() ? Math.round(st.mtimeMs) : ""} ${st.nlink > 1 && st.isFile() ? `links=${st.nlink}` : ""} ${what}`);
      if (st.isDirectory()) walk(p, r);
    }
  };
  walk(dir, "");
  return out;
}

const here = fileURLToPath(new URL(".", import.meta.url)); // dist/lib/test/runtime/

test("the whole unpack specification passes with every file written by the threads", () => {
  const uvu = fileURLToPath(new URL("../../../../node_modules/uvu/bin.js", import.meta.url));
  const r = spawnSync(process.execPath, [uvu, join(here, ".."), "runtime/unpack\\.test\\.js"], {
    env: { ...process.env, KILN_UNPACK_THREADED_FROM: "0" },
    encoding: "utf8",
    timeout: 120_000,
  });
  assert.is(r.status, 0, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
  assert.match(r.stdout, /Passed:\s+\S*\d/);
  assert.not.match(r.stdout, /Total:\s+\S*0\b/);
});

/** 300 files in 3 directories, then entries that depend on earlier files being on disk. */
async function mixedLayer(): Promise<Buffer> {
  const entries: Raw[] = [{ name: "d0/", type: "directory", mode: 0o755 }, { name: "d1/", type: "directory", mode: 0o750 }];
  for (let i = 0; i < 300; i++) entries.push({ name: `d${i % 3}/f${i}`, body: `file ${i}\n`.repeat(i % 7), mode: i % 2 ? 0o600 : 0o755, mtime: new Date(1_500_000_000_000 + i * 1000) });
  entries.push(
    { name: "d0/f3", body: "the later entry wins\n" }, // the same path again
    { name: "d1/hard", type: "link", linkname: "d1/f4" }, // a hard link to a threaded file
    { name: "d2/f5", type: "directory", mode: 0o700 }, // a threaded file replaced by a directory
    { name: "d2/f5/inside", body: "under the replacement\n" },
    { name: "d0/f6", type: "symlink", linkname: "../d1" }, // a file replaced by a link
    { name: "d0/f6/through", body: "lands in d1\n" }, // written through the link, inside the root
    { name: "d2/.wh.f8" }, // a whiteout of a file this layer wrote
  );
  return rawTar(entries);
}

for (const mode of ["merged", "overlay"] as const satisfies readonly UnpackMode[]) {
  test(`${mode}: the same tree whether the files are threaded or not`, async () => {
    const t = tempDir("kiln-unpack-threaded-");
    const tar = await mixedLayer();
    const serial = join(t, "serial");
    const threaded = join(t, "threaded");
    await unpackLayer(Readable.from([tar]), serial, { mode, parallelFrom: Infinity });
    await unpackLayer(Readable.from([tar]), threaded, { mode, parallelFrom: 0 });
    const a = treeOf(serial);
    assert.ok(a.length > 300, `${a.length} paths`);
    assert.equal(treeOf(threaded), a);
    assert.is(readFileSync(join(threaded, "d0/f3"), "utf8"), "the later entry wins\n");
    assert.is(readFileSync(join(threaded, "d1/through"), "utf8"), "lands in d1\n");
    assert.is(lstatSync(join(threaded, "d1/hard")).ino, lstatSync(join(threaded, "d1/f4")).ino);
  });
}

test("a file a writer thread cannot create fails the unpack, naming the entry", async () => {
  const t = tempDir("kiln-unpack-threaded-");
  const long = "x".repeat(300); // longer than any file name the filesystem takes
  const tar = await rawTar([{ name: "a/ok", body: "1" }, { name: `a/${long}`, body: "2" }, { name: "a/after", body: "3" }]);
  for (const parallelFrom of [Infinity, 0]) {
    const dest = join(t, String(parallelFrom));
    mkdirSync(dest);
    try {
      await unpackLayer(Readable.from([tar]), dest, { mode: "merged", parallelFrom });
      assert.unreachable("unpacked");
    } catch (err) {
      assert.instance(err, KilnError);
      assert.is((err as KilnError).code, "unpack-failed", String(err));
      assert.ok((err as Error).message.includes(long.slice(0, 50)), (err as Error).message);
      assert.match((err as Error).message, /name too long/i);
    }
  }
});

test.after(() => cleanupTemps());
test.run();
