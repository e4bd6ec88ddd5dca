// Pattern operators: ${v#p} ${v##p} ${v%p} ${v%%p} ${v/p/r} ${v//p/r}, with Docker's glob
// patterns (`*`, `?`; no bracket expressions) and escapes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { processWord, processWordWithMatches } from "../../../parser/shell/index.js";
import { expandTemplate, reversePattern } from "../../../parser/shell/pattern.js";

const env = {
  PATH_: "/usr/local/bin/tool.tar.gz",
  XY: "xxyy",
  STARS: "xx**",
  Q: "???y",
  SPECIAL: "()[]{}^$.*?|\\x",
  A: "a***yy*",
  URL: "http://google.de",
  FILES: "/foo*/*/*.txt",
  NEEDLE: "\\*/",
  TMP: "/tmp/tmp/bar.txt",
  EMPTY: "",
  BR: "[ab]c",
  ML: "ab\ncd",
  EMOJI: "😀x😀",
  ARCH: "amd64",
  SLASHES: "/tmp/foo.txt",
  DOLLAR: "a$b",
  HASHX: "#*x",
};

/** [word, expected value] */
const table: ReadonlyArray<readonly [string, string]> = [
  // # and ##: shortest and longest matching prefix.
  ["${PATH_#*/}", "usr/local/bin/tool.tar.gz"],
  ["${PATH_##*/}", "tool.tar.gz"],
  ["${XY#*x*y}", "y"],
  ["${XY##*x}", "yy"],
  ["${XY#*}", "xxyy"],
  ["${XY##*}", ""],
  ["${XY#}", "xxyy"],
  ["${XY##}", "xxyy"],
  ["${XY#x}", "xyy"],
  ["${XY#y}", "xxyy"],
  ["${XY#?}", "xyy"],
  ["${XY#????}", ""],
  ["${XY#?????}", "xxyy"],
  // % and %%: shortest and longest matching suffix.
  ["${PATH_%.*}", "/usr/local/bin/tool.tar"],
  ["${PATH_%%.*}", "/usr/local/bin/tool"],
  ["${XY%x}", "xxyy"],
  ["${XY%y}", "xxy"],
  ["${XY%%y*}", "xx"],
  ["${XY%}", "xxyy"],
  ["${XY%%}", "xxyy"],
  // Escaped wildcards and regex-special characters are literal.
  ["${STARS%%\\**}", "xx"],
  ["${A%%\\**\\*}", "a"],
  ["${Q#?\\?}", "?y"],
  ["${SPECIAL#()[]{\\}^$.\\*\\?|\\\\}", "x"],
  // No bracket expressions: `[ab]` is four literal characters.
  ["${BR#[ab]}", "c"],
  ["${BR#?}", "ab]c"],
  // `*` and `?` do not match a newline (Go's `.`).
  ["${ML#*}", "ab\ncd"],
  ["${ML##*}", "\ncd"],
  ["${ML%%*}", "ab\n"],
  ["${ML#??}", "\ncd"],
  ["${ML#???}", "ab\ncd"],
  // `?` is one character, even outside the Basic Multilingual Plane.
  ["${EMOJI#?}", "x😀"],
  ["${EMOJI%?}", "😀x"],
  // The pattern is processed first: references, and the doubled operator is seen after that.
  ["${XY#$NOPE}", "xxyy"],
  ["${XY%%$EMPTY}", "xxyy"],
  ["${XY#$HASHX}", "yy"],
  // Quotes in a pattern are removed but do not make wildcards literal (unlike sh).
  ["${XY#'*'}", "xxyy"],
  ["${XY##'*'}", ""],
  // An unset variable is "" for the pattern operators.
  ["${NOPE#x}", ""],
  ["${NOPE%%*}", ""],
  // / and //: first (leftmost-longest) and every match.
  ["${URL/http:/https:}", "https://google.de"],
  ["${ARCH/amd64/x64}", "x64"],
  ["${ARCH/arm64/x64}", "amd64"],
  ["${TMP/\\/tmp/}", "/tmp/bar.txt"],
  ["${TMP//\\/tmp/}", "/bar.txt"],
  ["${FILES/$NEEDLE/.} - ${FILES//$NEEDLE/.}", "/foo.*/*.txt - /foo..*.txt"],
  ["${XY/x*/-}", "-"],
  ["${XY/?/-}", "-xyy"],
  ["${XY//?/-}", "----"],
  ["${XY//y/}", "xx"],
  ["${XY///}", "xxyy"],
  ["${NOPE//x/y}", ""],
  // Escaped `/` in the pattern; the replacement keeps its backslashes.
  ["${SLASHES//\\//\\/}", "\\/tmp\\/foo.txt"],
  // An empty pattern matches the empty string at the start (BuildKit's behaviour).
  ["${XY/$EMPTY/ww}", "wwxxyy"],
  ["${XY//$EMPTY/-}", "-x-x-y-y-"],
  // `//` treats `$` in the replacement as Go's regexp template does; `/` does not.
  ["${XY//x/'$0$0'}", "xxxxyy"],
  ["${XY//x/'$1'}", "yy"],
  ["${XY//x/'$$'}", "$$yy"],
  ["${XY/x/'$0'}", "$0xyy"],
  ["${XY//x/$}", "$$yy"],
];

for (const [word, expected] of table) {
  test(`${JSON.stringify(word)} → ${JSON.stringify(expected)}`, () => {
    assert.is(processWord(word, env), expected);
  });
}

test("names in patterns and replacements are reported", () => {
  const r = processWordWithMatches("${URL/$NEEDLE/$NOPE}", env);
  assert.equal([...r.matched].sort(), ["NEEDLE", "URL"]);
  assert.equal([...r.unmatched], ["NOPE"]);
});

test("invalid escapes in patterns are errors", () => {
  assert.throws(() => processWord("${XY#\\x}", env), /invalid pattern \(\\x\) in substitution: invalid escape '\\x'/);
  assert.throws(() => processWord("${XY/$NEEDLE2/y}", { ...env, NEEDLE2: "a\\" }), /invalid escape/);
  // Suffix patterns are matched reversed, and BuildKit reports the reversed pattern.
  assert.throws(() => processWord("${XY%$P}", { ...env, P: "ab\\x" }), /invalid pattern \(\\xba\)/);
});

test("reversePattern keeps escape pairs", () => {
  assert.is(reversePattern("a\\*c"), "c\\*a");
  assert.is(reversePattern("\\\\\\ab"), "b\\a\\\\");
  assert.is(reversePattern("ab\\"), "\\ba");
  assert.is(reversePattern("👽\\🚀🖖"), "🖖\\🚀👽");
});

test("expandTemplate follows Go's regexp template rules", () => {
  assert.is(expandTemplate("<$0>", "m"), "<m>");
  assert.is(expandTemplate("<${0}>", "m"), "<m>");
  assert.is(expandTemplate("<$00>", "m"), "<>");
  assert.is(expandTemplate("<$name>", "m"), "<>");
  assert.is(expandTemplate("<${x>", "m"), "<${x>");
  assert.is(expandTemplate("<$>", "m"), "<$>");
  assert.is(expandTemplate("$$0", "m"), "$0");
});

test.run();
