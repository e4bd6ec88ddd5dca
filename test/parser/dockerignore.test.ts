/** .dockerignore reading and Docker's pattern matching (moby/patternmatcher semantics). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { IgnoreMatcher, cleanPath, readIgnoreFile } from "../../parser/dockerignore.js";

test("reading: comments, blanks, ! exceptions, cleaned and de-rooted patterns", () => {
  const text = "# comment\n\n  node_modules  \n/build/\n! /keep/this\n./a/../b//c\n\\#literal\n";
  assert.equal(readIgnoreFile(text), ["node_modules", "build", "!keep/this", "b/c", "\\#literal"]);
});

test("cleanPath behaves like Go's path.Clean", () => {
  const cases: [string, string][] = [["", "."], ["a/b/../c", "a/c"], ["/../x", "/x"], ["../../x", "../../x"], ["a//b/./", "a/b"], ["/", "/"]];
  for (const [input, out] of cases) assert.is(cleanPath(input), out, input);
});

const table: [patterns: string[], path: string, ignored: boolean][] = [
  [["foo"], "foo", true],
  [["foo"], "foo/bar/baz", true], // a parent matches
  [["foo"], "a/foo", false], // patterns are rooted
  [["*.md"], "README.md", true],
  [["*.md"], "docs/README.md", false], // * stays in one component
  [["**/*.md"], "docs/a/README.md", true],
  [["**/*.md"], "README.md", true],
  [["**"], "anything/at/all", true],
  [["docs/**"], "docs/x/y", true],
  [["docs/**"], "docsx", false],
  [["**/node_modules"], "a/b/node_modules/x", true],
  [["**/node_modules"], "node_modules", true],
  [["a?c"], "abc", true],
  [["a?c"], "a/c", false],
  [["[ab]x"], "bx", true],
  [["[ab]x"], "cx", false],
  [["*", "!keep"], "keep", false],
  [["*", "!keep"], "drop", true],
  [["*", "!keep", "keep"], "keep", true], // the last match wins
  [["dir", "!dir/keep"], "dir/keep", false],
  [["dir", "!dir/keep"], "dir/other", true],
  [["a.b"], "axb", false], // regexp characters are literal
  [["a+b"], "a+b", true],
  [["\\*star"], "*star", true],
  [["\\*star"], "xstar", false],
  [["a/*/c"], "a/b/c", true],
  [["a/**/c"], "a/c", true],
  [["a/**/c"], "a/x/y/c", true],
  [["/rooted"], "rooted", true],
  [["tmp/"], "tmp/x", true],
];

for (const [patterns, path, ignored] of table) {
  test(`${JSON.stringify(patterns)} ${ignored ? "ignores" : "keeps"} ${path}`, () => {
    assert.is(new IgnoreMatcher(readIgnoreFile(patterns.join("\n"))).ignores(path), ignored);
  });
}

test("a lone ! is refused", () => {
  assert.throws(() => new IgnoreMatcher(["!"]), /illegal exclusion pattern/);
});

test.run();
