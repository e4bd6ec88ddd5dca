import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { KilnError } from "../../util/errors.js";
import { archivePathComponents, inRootPath, resolveInRoot } from "../../runtime/resolve.js";

const root = realpathSync(mkdtempSync(join(tmpdir(), "kiln-resolve-")));
mkdirSync(join(root, "etc/sub"), { recursive: true });
mkdirSync(join(root, "real"), { recursive: true });
writeFileSync(join(root, "etc/passwd"), "");
writeFileSync(join(root, "real/z"), "");
const links: [string, string][] = [
  ["abs", "/etc"],
  ["rel-up", "../../../../etc"],
  ["self", "self"],
  ["ping", "pong"],
  ["pong", "ping"],
  ["x", "y/z"],
  ["y", "/real"],
  ["dangling", "/nonexistent/file"],
  ["to-sub", "/etc/sub"],
  ["proc-self", "/proc/self/root"],
  ["dotdot-root", ".."],
  ["etc/sub/up", "../../../.."],
];
for (const [name, target] of links) symlinkSync(target, join(root, name));
test.after(() => rmSync(root, { recursive: true, force: true }));

const cases: [string, string, boolean, string][] = [
  // [description, path, followLast, expected (relative to root, "" = root)]
  ["plain path", "etc/passwd", false, "etc/passwd"],
  ["absolute path is taken from the root", "/etc/passwd", false, "etc/passwd"],
  ["leading .. stays at the root", "../../etc/passwd", false, "etc/passwd"],
  [".. in the middle never goes above the root", "/etc/../../../x", false, "x"],
  ["only dots", "../..", false, ""],
  ["empty path is the root", "", false, ""],
  ["absolute symlink in the middle is re-rooted", "abs/passwd", false, "etc/passwd"],
  ["relative symlink with too many .. stays inside", "rel-up/passwd", false, "etc/passwd"],
  ["last component not followed by default", "abs", false, "abs"],
  ["last component followed with followLast", "abs", true, "etc"],
  ["chained links", "x", true, "real/z"],
  ["dangling absolute link is re-rooted", "dangling", true, "nonexistent/file"],
  ["dangling link not followed", "dangling", false, "dangling"],
  [".. after a link applies to the link's target", "to-sub/..", false, "etc"],
  ["/proc/self/root link stays inside", "proc-self/etc/passwd", false, "proc/self/root/etc/passwd"],
  ["link to .. at the root", "dotdot-root/etc/passwd", false, "etc/passwd"],
  ["relative link deep in the tree with many ..", "etc/sub/up/etc/passwd", false, "etc/passwd"],
  ["missing components are literal", "no/such/../thing", false, "no/thing"],
  ["trailing slash and dots", "./etc/./sub/", false, "etc/sub"],
];

for (const [what, path, followLast, expected] of cases) {
  test(`resolveInRoot: ${what} (${JSON.stringify(path)})`, () => {
    const got = resolveInRoot(root, path, { followLast });
    assert.is(got, expected === "" ? root : join(root, expected));
    assert.ok(got === root || got.startsWith(`${root}/`), `${got} escapes ${root}`);
  });
}

for (const path of ["self", "ping", "self/x"]) {
  test(`resolveInRoot: loop ${path} throws symlink-loop`, () => {
    try {
      resolveInRoot(root, path, { followLast: true });
      assert.unreachable("no error");
    } catch (err) {
      assert.instance(err, KilnError);
      assert.is((err as KilnError).code, "symlink-loop");
    }
  });
}

test("resolveInRoot: NUL byte is refused", () => {
  assert.throws(() => resolveInRoot(root, "a\0b"), (err: unknown) => err instanceof KilnError && err.code === "invalid-path");
});

test("resolveInRoot: root / works", () => {
  assert.is(resolveInRoot("/", "../etc"), "/etc");
});

test("inRootPath", () => {
  assert.is(inRootPath(root, join(root, "etc/passwd")), "/etc/passwd");
  assert.is(inRootPath(root, root), "/");
  assert.is(inRootPath(root, `${root}x/y`), undefined);
  assert.is(inRootPath(root, "/etc"), undefined);
});

test("archivePathComponents refuses .. and NUL", () => {
  assert.equal(archivePathComponents("./a//b/"), ["a", "b"]);
  assert.equal(archivePathComponents("/"), []);
  for (const bad of ["../x", "a/../b", "a/..", "x\0"]) {
    assert.throws(() => archivePathComponents(bad), (err: unknown) => err instanceof KilnError && err.code === "unsafe-path");
  }
});

test.run();
