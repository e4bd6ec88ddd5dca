// The escape character is configurable (`# escape=` directive). With a backtick, the backslash
// becomes an ordinary character everywhere except inside patterns, whose escape is always `\`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { processWord } from "../../../parser/shell/index.js";

const env = { PWD: "/home", XY: "xxyy", STARS: "a**b" };
const backtick = { escapeChar: "`" } as const;

/** [word, value with the backtick escape] */
const table: ReadonlyArray<readonly [string, string]> = [
  ["c:\\windows\\$PWD", "c:\\windows\\/home"],
  ["`$PWD", "$PWD"],
  ["``$PWD", "`/home"],
  ["he`'llo", "he'llo"],
  ["a` b", "a b"],
  ["end`", "end"],
  ["`\\", "\\"],
  // Inside double quotes the backtick escapes `"`, `$` and itself; a backslash is literal.
  [`"a\`"b"`, `a"b`],
  ['"`$PWD"', "$PWD"],
  ['"``"', "`"],
  ['"`x"', "`x"],
  [`"a\\"`, "a\\"],
  // Single quotes are unaffected.
  ["'`$PWD'", "`$PWD"],
  // Nested words use the same escape character.
  ["${NOPE:-`}}", "}"],
  ["${NOPE:-a\\b}", "a\\b"],
  // Patterns keep `\` as their own escape: with a backtick escape, `\*` still means a literal `*`.
  ["${STARS#a\\*}", "*b"],
  ["${STARS#a*}", "**b"],
  ["${STARS##a*}", ""],
];

for (const [word, expected] of table) {
  test(`escape=\` ${JSON.stringify(word)} → ${JSON.stringify(expected)}`, () => {
    assert.is(processWord(word, env, backtick), expected);
  });
}

test("the default escape character is the backslash", () => {
  assert.is(processWord("\\$PWD", env), "$PWD");
  assert.is(processWord("\\$PWD", env, { escapeChar: "\\" }), "$PWD");
  assert.is(processWord("`$PWD", env), "`/home");
});

test("an escape character other than \\ or ` is refused", () => {
  assert.throws(() => processWord("x", env, { escapeChar: "^" as "`" }), (e: unknown) => e instanceof TypeError);
});

test.run();
