/** Context selection with real temp dirs: patterns, directories, symlinks, .dockerignore, --exclude, --parents. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { IgnoreMatcher } from "../../parser/dockerignore.js";
import { loadIgnore, matchPattern, selectContextFiles, type SelectOptions } from "../../builder/context.js";

let root = "";

function tree(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "kiln-ctx-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    if (path.endsWith("/")) mkdirSync(join(dir, path), { recursive: true });
    else writeFileSync(join(dir, path), content);
  }
  for (const [path, target] of Object.entries(links)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    symlinkSync(target, join(dir, path));
  }
  return dir;
}

test.before.each(() => {
  root = tree(
    { "a.txt": "a", "b.md": "b", "src/main.go": "m", "src/util/u.go": "u", "src/README.md": "r", "docs/x/y.md": "y", "node_modules/p/i.js": "i", "[x].txt": "lit" },
    { "link-to-src": "src", "src/abs": "/a.txt", "escape": "../../../etc" },
  );
});
test.after.each(() => rmSync(root, { recursive: true, force: true }));

const pick = async (sources: string[], options: SelectOptions = {}) =>
  (await selectContextFiles(root, sources, options)).map((f) => `${f.contextPath} → ${f.destPath}${f.type === "dir" ? "/" : f.type === "symlink" ? "@" : ""}`);

test("Go filepath.Match: * and ? stay in one element, classes, escapes, ** is *", () => {
  const table: [string, string, boolean][] = [
    ["*.go", "main.go", true], ["*.go", "src/main.go", false], ["src/*.go", "src/main.go", true], ["?.txt", "a.txt", true],
    ["[ab].txt", "b.txt", true], ["[^ab].txt", "c.txt", true], ["[^ab].txt", "a.txt", false], ["[a-c]*", "cat", true],
    ["\\[x\\].txt", "[x].txt", true], ["**/*.go", "src/main.go", true], ["**/*.go", "src/util/u.go", false],
  ];
  for (const [pattern, path, ok] of table) assert.is(matchPattern(pattern).test(path), ok, `${pattern} ~ ${path}`);
});

test("a file copies as its base name; a directory copies its contents", async () => {
  assert.equal(await pick(["a.txt"]), ["a.txt → a.txt"]);
  assert.equal(await pick(["src"]), ["src/README.md → README.md", "src/abs → abs@", "src/main.go → main.go", "src/util → util/", "src/util/u.go → util/u.go"]);
  assert.equal(await pick(["src/"]), await pick(["./src/."]));
});

test("wildcards: per element, only the named subtree is walked; no match copies nothing", async () => {
  assert.equal(await pick(["src/*.go"]), ["src/main.go → main.go"]);
  assert.equal(await pick(["*.md", "*.txt"]), ["b.md → b.md", "[x].txt → [x].txt", "a.txt → a.txt"]);
  assert.equal(await pick(["nothing*"]), []);
  assert.equal(await pick(["s?c"]), ["src/README.md → README.md", "src/abs → abs@", "src/main.go → main.go", "src/util → util/", "src/util/u.go → util/u.go"]);
});

test("the source itself is followed through symlinks, inside the context", async () => {
  assert.equal(await pick(["link-to-src/util"]), ["src/util/u.go → u.go"]);
  assert.equal(await pick(["src/abs"]), ["a.txt → abs"], "an absolute link target is relative to the context root");
});

test("missing paths are named; .. outside the context is refused", async () => {
  for (const [src, message] of [["missing.txt", '"/missing.txt": not found'], ["../x", "forbidden path outside the build context: ../x"], ["escape", '"/escape": not found']] as const) {
    try {
      await pick([src]);
      assert.unreachable();
    } catch (e) {
      assert.is((e as { code: string }).code, "build-source");
      assert.match((e as Error).message, message);
    }
  }
});

test(".dockerignore: ignored files are not in the context; exceptions still walked", async () => {
  const ignore = new IgnoreMatcher(["node_modules", "**/*.md", "!docs/x/y.md"]);
  assert.equal(await pick(["."], { ignore }).then((l) => l.filter((x) => !x.includes("@"))), [
    "[x].txt → [x].txt", "a.txt → a.txt", "docs → docs/", "docs/x → docs/x/", "docs/x/y.md → docs/x/y.md", "src → src/", "src/main.go → src/main.go", "src/util → src/util/", "src/util/u.go → src/util/u.go",
  ]);
  try {
    await pick(["b.md"], { ignore: new IgnoreMatcher(["*.md"]) });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, '"/b.md": not found');
  }
});

test("--exclude applies to the copied paths", async () => {
  assert.equal(await pick(["src"], { exclude: ["*.md", "util"] }), ["src/abs → abs@", "src/main.go → main.go"]);
});

test("--parents keeps directories from the root or from a /./ pivot", async () => {
  assert.equal(await pick(["src/util/u.go", "docs/*/y.md"], { parents: true }), ["src/util/u.go → src/util/u.go", "docs/x/y.md → docs/x/y.md"]);
  assert.equal(await pick(["src/./util"], { parents: true }), ["src/util/u.go → util/u.go"]);
});

test("modes and owners are reported, mtimes are not", async () => {
  chmodSync(join(root, "a.txt"), 0o750);
  const [f] = await selectContextFiles(root, ["a.txt"]);
  assert.is(f!.mode, 0o750);
  assert.is(f!.size, 1);
  assert.ok(!("mtime" in f!));
});

test("<Dockerfile>.dockerignore next to the Dockerfile wins over the context's", async () => {
  writeFileSync(join(root, ".dockerignore"), "a.txt\n");
  mkdirSync(join(root, "build"));
  writeFileSync(join(root, "build", "app.Dockerfile"), "FROM scratch\n");
  writeFileSync(join(root, "build", "app.Dockerfile.dockerignore"), "b.md\n");
  assert.is((await loadIgnore(root, join(root, "build", "app.Dockerfile"))).ignores("b.md"), true);
  assert.is((await loadIgnore(root, join(root, "build", "app.Dockerfile"))).ignores("a.txt"), false);
  assert.is((await loadIgnore(root, join(root, "Dockerfile"))).ignores("a.txt"), true);
});

test.run();
