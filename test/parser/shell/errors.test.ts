// Errors: every failure is a ShellExpansionError (code "shell-expansion") whose message names
// the word and gives BuildKit's reason.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { processWord, ShellExpansionError } from "../../../parser/shell/index.js";
import { KilnError } from "../../../util/errors.js";

const env = { SET: "value", EMPTY: "", ARG: "x" };

/** [word, reason] */
const table: ReadonlyArray<readonly [string, string]> = [
  // Unterminated quotes.
  ["'open", "unexpected end of statement while looking for matching single-quote"],
  [`"open`, "unexpected end of statement while looking for matching double-quote"],
  ["\"open\\\"", "unexpected end of statement while looking for matching double-quote"],
  [`"a$SET`, "unexpected end of statement while looking for matching double-quote"],
  // Unterminated or malformed ${...}.
  ["${", "syntax error: missing '}'"],
  ["${SET", "syntax error: missing '}'"],
  ["${SET:", "syntax error: missing '}'"],
  ["${SET:-x", "syntax error: missing '}'"],
  ["${SET:-${A}", "syntax error: missing '}'"],
  ["${SET:-'x}'", "syntax error: missing '}'"],
  ["${SET/x", "syntax error: missing '/' in ${}"],
  ["${SET//", "syntax error: missing '/' in ${}"],
  ["${SET/x/y", "syntax error: missing '}'"],
  ["${}", "syntax error: bad substitution"],
  ["${{x}", "syntax error: bad substitution"],
  ["${:-x}", "syntax error: bad substitution"],
  // Unsupported modifiers (including bash's ${v:=w} and the colon forms of # and %).
  ["${SET=x}", "unsupported modifier (=) in substitution"],
  ["${SET:=x}", "unsupported modifier (:=) in substitution"],
  ["${SET:x}", "unsupported modifier (:x) in substitution"],
  ["${SET:#x}", "unsupported modifier (:#) in substitution"],
  ["${SET:%x}", "unsupported modifier (:%) in substitution"],
  ["${.}", "unsupported modifier (.) in substitution"],
  ["${SET x}", "unsupported modifier ( ) in substitution"],
  ["${#SET}", "unsupported modifier (S) in substitution"],
  // Required values: the message is the word after `?`, processed, or a default.
  ["${NOPE?}", "NOPE: is not allowed to be unset"],
  ["${NOPE:?}", "NOPE: is not allowed to be unset"],
  ["${EMPTY:?}", "EMPTY: is not allowed to be empty"],
  ["${NOPE?message here$ARG}", "NOPE: message herex"],
  ["${EMPTY:?set EMPTY please}", "EMPTY: set EMPTY please"],
  ["${NOPE:-${INNER:?inner missing}}", "INNER: inner missing"],
  // Invalid pattern escapes.
  ["${SET#\\a}", "invalid pattern (\\a) in substitution: invalid escape '\\a'"],
  ["${SET/\\a/b}", "invalid pattern (\\a) in substitution: invalid escape '\\a'"],
];

for (const [word, reason] of table) {
  test(`${JSON.stringify(word)} fails: ${reason}`, () => {
    try {
      processWord(word, env);
    } catch (e) {
      assert.instance(e, ShellExpansionError);
      const err = e as ShellExpansionError;
      assert.is(err.reason, reason);
      assert.is(err.word, word);
      assert.is(err.message, `failed to process ${JSON.stringify(word)}: ${reason}`);
      return;
    }
    assert.unreachable("no error thrown");
  });
}

test("ShellExpansionError is a KilnError with code shell-expansion", () => {
  try {
    processWord("${NOPE:?is required}", env);
    assert.unreachable("no error thrown");
  } catch (e) {
    assert.instance(e, KilnError);
    const err = e as ShellExpansionError;
    assert.is(err.code, "shell-expansion");
    assert.is(err.name, "ShellExpansionError");
    assert.is(err.variable, "NOPE");
    assert.ok(err.message.includes("is required"));
  }
});

test("syntax errors name no variable", () => {
  try {
    processWord("${", env);
    assert.unreachable("no error thrown");
  } catch (e) {
    assert.is((e as ShellExpansionError).variable, null);
  }
});

test("a failure inside an unclosed ${ is reported as the missing brace (BuildKit)", () => {
  assert.throws(() => processWord("${SET:-${NOPE:?gone}", env), /missing '}'/);
});

test("errors in words that would not be used still count", () => {
  assert.throws(() => processWord("${SET:-'open}", env), (e: unknown) => e instanceof ShellExpansionError);
  assert.throws(() => processWord("${SET:+${NOPE:?needed}}", env), /NOPE: needed/);
});

test.run();
