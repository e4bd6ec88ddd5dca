/** The context stat cache: digests reused while (size, mtime, ctime, inode) hold, re-read when any changes, kept across builds. */
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import { StatCache } from "../../../builder/executor/cache.js";

const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

test("stat cache: a file is read once while its stat holds; a change is read again; saved and reloaded", async () => {
  const dir = mkdtempSync(join(tmpdir(), "kiln-statcache-"));
  try {
    const ctx = join(dir, "ctx");
    const store = join(dir, "statcache");
    mkdirSync(ctx);
    const names = ["a.txt", "dir é/new\nline.txt"];
    mkdirSync(join(ctx, "dir é"));
    for (const n of names) writeFileSync(join(ctx, n), `content of ${n}`);

    const first = new StatCache(store, ctx);
    for (const n of names) assert.is(await first.digest(n, join(ctx, n), statSync(join(ctx, n))), sha(`content of ${n}`));
    first.save();

    // a second build: the cached digest is returned without reading (proved by a stat that
    // matches the entry while the bytes on disk differ)
    const st = statSync(join(ctx, "a.txt"));
    writeFileSync(join(ctx, "a.txt"), "changed!!!!!!!!!!!!!!");
    const second = new StatCache(store, ctx);
    assert.is(await second.digest("a.txt", join(ctx, "a.txt"), st), sha("content of a.txt"), "same stat: the remembered digest");
    assert.is(await second.digest(names[1]!, join(ctx, names[1]!), statSync(join(ctx, names[1]!))), sha(`content of ${names[1]}`), "a path with a newline and non-ASCII survives the file");
    // the real stat differs (size, mtime, ctime): read again
    assert.is(await second.digest("a.txt", join(ctx, "a.txt"), statSync(join(ctx, "a.txt"))), sha("changed!!!!!!!!!!!!!!"));
    second.save();

    // an mtime-only change is a re-read too (the digest stays the same then)
    utimesSync(join(ctx, "a.txt"), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const third = new StatCache(store, ctx);
    assert.is(await third.digest("a.txt", join(ctx, "a.txt"), statSync(join(ctx, "a.txt"))), sha("changed!!!!!!!!!!!!!!"));
    // another context has its own file
    const other = new StatCache(store, join(dir, "elsewhere"));
    writeFileSync(join(dir, "x"), "x");
    assert.is(await other.digest("a.txt", join(dir, "x"), { ...st }), sha("x"), "no entries from another context");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
