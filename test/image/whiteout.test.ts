import { test } from "uvu";
import * as assert from "uvu/assert";
import { collect, kilnError, readTar } from "./helpers.js";
import { createTar } from "../../image/tar.js";
import {
  OPAQUE_WHITEOUT,
  isOpaqueWhiteout,
  isWhiteout,
  opaqueWhiteoutEntry,
  opaqueWhiteoutPath,
  parseWhiteout,
  whiteoutEntry,
  whiteoutPath,
} from "../../image/whiteout.js";

test("whiteout: names", () => {
  assert.is(whiteoutPath("a/b/c"), "a/b/.wh.c");
  assert.is(whiteoutPath("/etc/my-app-config"), "etc/.wh.my-app-config");
  assert.is(whiteoutPath("top"), ".wh.top");
  assert.is(whiteoutPath("./dir/sub/"), "dir/.wh.sub");
  assert.is(opaqueWhiteoutPath("a/b"), "a/b/.wh..wh..opq");
  assert.is(opaqueWhiteoutPath("/bin/"), "bin/.wh..wh..opq");
  assert.is(opaqueWhiteoutPath(""), OPAQUE_WHITEOUT);
  assert.is(opaqueWhiteoutPath("/"), OPAQUE_WHITEOUT);
  assert.is(opaqueWhiteoutPath("."), OPAQUE_WHITEOUT);
});

test("whiteout: recognising them", () => {
  assert.equal(parseWhiteout("a/b/.wh.c"), { kind: "whiteout", target: "a/b/c" });
  assert.equal(parseWhiteout(".wh.top"), { kind: "whiteout", target: "top" });
  assert.equal(parseWhiteout("./etc/.wh.passwd"), { kind: "whiteout", target: "etc/passwd" });
  assert.equal(parseWhiteout("a/b/.wh..wh..opq"), { kind: "opaque", dir: "a/b" });
  assert.equal(parseWhiteout(".wh..wh..opq"), { kind: "opaque", dir: "" });
  assert.equal(parseWhiteout("a/.wh..wh.plnk"), { kind: "meta", path: "a/.wh..wh.plnk" });
  assert.equal(parseWhiteout("a/.wh."), { kind: "meta", path: "a/.wh." });
  assert.is(parseWhiteout("a/b/c"), undefined);
  assert.is(parseWhiteout("a/.whx"), undefined);
  assert.is(parseWhiteout("a/.wh.b/c"), undefined); // only the base name counts
  assert.ok(isWhiteout("x/.wh.y"));
  assert.ok(isWhiteout("x/.wh..wh..opq"));
  assert.not.ok(isWhiteout("x/y.wh.z"));
  assert.ok(isOpaqueWhiteout("x/.wh..wh..opq"));
  assert.not.ok(isOpaqueWhiteout("x/.wh.y"));
  // round trip
  for (const p of ["a", "a/b", "deep/er/path.txt", ".hidden"]) {
    assert.equal(parseWhiteout(whiteoutPath(p)), { kind: "whiteout", target: p });
  }
});

test("whiteout: refuses what cannot be whited out", async () => {
  for (const bad of ["", "/", "a/..", "a/.wh.b"]) {
    assert.is((await kilnError(() => whiteoutPath(bad))).code, "invalid-whiteout", bad);
  }
});

test("whiteout: entries are empty regular files, mode 0, root-owned", async () => {
  assert.equal(whiteoutEntry("a/b"), { type: "file", path: "a/.wh.b", size: 0, mode: 0, uid: 0, gid: 0 });
  const t = new Date(1_000_000_000_000);
  assert.equal(opaqueWhiteoutEntry("d", { mtime: t }), { type: "file", path: "d/.wh..wh..opq", size: 0, mode: 0, uid: 0, gid: 0, mtime: t });
  const entries = await readTar(await collect(createTar([whiteoutEntry("x/y"), { type: "directory", path: "x" }, opaqueWhiteoutEntry("x")])));
  assert.equal(entries.map((e) => [e.header.name, e.header.type, e.header.size, e.header.mode]), [
    ["x/", "directory", 0, 0o755],
    ["x/.wh..wh..opq", "file", 0, 0],
    ["x/.wh.y", "file", 0, 0],
  ]);
});

test.run();
