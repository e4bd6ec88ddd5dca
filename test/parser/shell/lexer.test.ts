// processWord: quote removal, escapes and plain `$` references, as BuildKit's shell lexer does
// them (its envVarTest table, Linux rows, plus the cases it leaves implicit).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { processWord, ShellExpansionError } from "../../../parser/shell/index.js";

const env = { PWD: "/home", SHELL: "bash", KOREAN: "한국어", NULL: "", "1": "one", _u: "under", a1: "A1" };

/** [word as written, value after processing] */
const table: ReadonlyArray<readonly [string, string]> = [
  // Plain text passes through untouched.
  ["hello", "hello"],
  ["", ""],
  ["a b  c", "a b  c"],
  ["안녕하세요", "안녕하세요"],
  // Single quotes: removed, content literal, no escapes inside.
  ["he'll'o", "hello"],
  ["'$PWD'", "$PWD"],
  ["'\\$PWD'", "\\$PWD"],
  ["'hello\\'", "hello\\"],
  ["'hello\\\\there'", "hello\\\\there"],
  [`'"hello"'`, `"hello"`],
  ["'he${XX}'", "he${XX}"],
  ["안'녕'하세요", "안녕하세요"],
  // Double quotes: removed, `$` expands, single quotes inside are literal.
  [`"hel'lo"`, "hel'lo"],
  [`"''"`, "''"],
  [`"$PWD"`, "/home"],
  [`"he'$PWD'"`, "he'/home'"],
  [`"he\${PWD}"`, "he/home"],
  [`"a  b"`, "a  b"],
  [`""`, ""],
  [`a""b`, "ab"],
  // Escapes outside quotes: the escape character goes, the next character stays literally.
  ["he\\'llo", "he'llo"],
  ["abc\\tdef", "abctdef"],
  ["hello\\\\", "hello\\"],
  ["hello\\", "hello"],
  ["he\\$PWD", "he$PWD"],
  ["he\\\\$PWD", "he\\/home"],
  ["\\${}", "${}"],
  ["he\\${}xx", "he${}xx"],
  ["\\\"quoted\\\"", `"quoted"`],
  ["a\\ b", "a b"],
  // Escapes inside double quotes: only `"`, `$` and the escape character itself.
  ["\"abc\\tdef\"", "abc\\tdef"],
  ["\"abc\\\\tdef\"", "abc\\tdef"],
  ["\"he\\$PWD\"", "he$PWD"],
  ["\"he\\\\$PWD\"", "he\\/home"],
  ["\"say \\\"hi\\\"\"", `say "hi"`],
  ["\"a\\'b\"", "a\\'b"],
  ['"a`b"', "a`b"],
  // `$name`: the longest run of letters, digits and `_`; Unicode letters count.
  ["he$PWD", "he/home"],
  ["$PWD/bin", "/home/bin"],
  ["$PWD.x", "/home.x"],
  ["$PWDx", ""],
  ["$_u-x", "under-x"],
  ["$a1b", ""],
  ["$KOREAN", "한국어"],
  ["안녕$KOREAN", "안녕한국어"],
  ["he$pwd.", "he."],
  // `$` before a character that cannot start a name stays literal.
  ["$", "$"],
  ["a$", "a$"],
  ["$.", "$."],
  ["he$.x", "he$.x"],
  ["$/", "$/"],
  ["$ x", "$ x"],
  [`"$"`, "$"],
  ["$'x'", "$x"],
  // Positional parameters are digit runs looked up like names: `$1` is "one" here, `$10` unset.
  ["he$1x", "heonex"],
  ["$10", ""],
  ["$2x", "x"],
  // Special parameters are one character each, and unset unless the environment has them.
  ["$$", ""],
  ["$?x", "x"],
  ["$@$*$#$-$!$0", ""],
  ["${#}", ""],
  // `${name}`
  ["he${hi}xx", "hexx"],
  ["he${PWD}", "he/home"],
  ["${PWD}x", "/homex"],
  ["${aaa}}", "}"],
  ["${NULL}", ""],
  ["${KOREAN}", "한국어"],
  ["${1}", "one"],
];

for (const [word, expected] of table) {
  test(`processWord ${JSON.stringify(word)} → ${JSON.stringify(expected)}`, () => {
    assert.is(processWord(word, env), expected);
  });
}

/** Words that cannot be processed. */
const errors: readonly string[] = [
  "he'llo",
  "he\\\\'llo",
  `"hello`,
  "\"hello\\\"",
  "'hello",
  "${}",
  "he${}xx",
  "he${.}",
  "${{aaa}",
  "${aaa",
  "he${PWD",
  "${:}",
  "${:-bbb}",
  "${:+bbb}",
];

for (const word of errors) {
  test(`processWord ${JSON.stringify(word)} throws`, () => {
    assert.throws(() => processWord(word, env), (e: unknown) => e instanceof ShellExpansionError);
  });
}

test("a leading byte order mark is dropped, as Go's text scanner does", () => {
  assert.is(processWord("\uFEFF$PWD", env), "/home");
  assert.is(processWord("\uFEFFplain", env), "plain");
  assert.is(processWord("a\uFEFF$PWD", env), "a\uFEFF/home");
});

test("names are case-sensitive", () => {
  assert.is(processWord("$pwd|$PWD|$Pwd", env), "|/home|");
});

test("astral characters survive escapes and quotes", () => {
  assert.is(processWord("\\😀\"😀\"'😀'", env), "😀😀😀");
});

test.run();
