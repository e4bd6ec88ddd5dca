// The public API's options and environment shapes.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { processWord, processWordWithMatches, processWords } from "../../../parser/shell/index.js";

const env = { SET: "value", EMPTY: "" };

/** skipUnsetEnv: [word, value] — unset references stay as written, everything else is processed. */
const skipUnset: ReadonlyArray<readonly [string, string]> = [
  ["$SET $NOPE", "value $NOPE"],
  ["${SET} ${NOPE}", "value ${NOPE}"],
  ["${NOPE:-default}", "${NOPE:-default}"],
  ["${NOPE-$SET}", "${NOPE-value}"],
  [`\${NOPE:-"a b"}`, "${NOPE:-a b}"],
  ["${NOPE:+x}", "${NOPE:+x}"],
  ["${NOPE:?required}", "${NOPE:?required}"],
  ["${NOPE#x}", "${NOPE#x}"],
  ["${NOPE%%x}", "${NOPE%%x}"],
  ["${NOPE/a/b}", "${NOPE/a/b}"],
  // BuildKit writes `//` back as a single `/`.
  ["${NOPE//a/b}", "${NOPE/a/b}"],
  // A modifier BuildKit rejects is kept too when the variable is unset...
  ["${NOPE:x}", "${NOPE:x}"],
  // ...and set variables expand as usual.
  ["${EMPTY:-d}", "d"],
  ["${SET:+x}", "x"],
  // Quotes and escapes are still removed.
  [`"$NOPE" '$SET' \\$SET`, "$NOPE $SET $SET"],
];

for (const [word, expected] of skipUnset) {
  test(`skipUnsetEnv ${JSON.stringify(word)} → ${JSON.stringify(expected)}`, () => {
    assert.is(processWord(word, env, { skipUnsetEnv: true }), expected);
  });
}

test("skipUnsetEnv still reports the unset names", () => {
  const r = processWordWithMatches("$SET ${NOPE}", env, { skipUnsetEnv: true });
  assert.is(r.value, "value ${NOPE}");
  assert.equal([...r.matched], ["SET"]);
  assert.equal([...r.unmatched], ["NOPE"]);
});

/** skipProcessQuotes (heredoc bodies): quotes are ordinary characters; `$` and escapes still work. */
const skipQuotes: ReadonlyArray<readonly [string, string]> = [
  [`echo "$SET" '$SET'`, `echo "value" 'value'`],
  ["it's $SET", "it's value"],
  ["\\$SET costs \\\\1", "$SET costs \\1"],
  ["${NOPE:-'x'}", "'x'"],
  ["line1\nline2 $SET\n", "line1\nline2 value\n"],
];

for (const [word, expected] of skipQuotes) {
  test(`skipProcessQuotes ${JSON.stringify(word)} → ${JSON.stringify(expected)}`, () => {
    assert.is(processWord(word, env, { skipProcessQuotes: true }), expected);
  });
}

test("skipProcessQuotes: an unbalanced quote is not an error", () => {
  assert.is(processWord(`don't "stop`, env, { skipProcessQuotes: true }), `don't "stop`);
});

test("the environment may be a Map", () => {
  const map = new Map([["SET", "from map"], ["EMPTY", ""]]);
  assert.is(processWord("$SET|${EMPTY:-e}|${NOPE-n}", map), "from map|e|n");
  const r = processWordWithMatches("$SET$NOPE", map);
  assert.equal([...r.matched], ["SET"]);
  assert.equal([...r.unmatched], ["NOPE"]);
});

test("a record's inherited properties are not variables", () => {
  assert.is(processWord("[$constructor][$toString][$__proto__]", {}), "[][][]");
  const r = processWordWithMatches("$hasOwnProperty", {});
  assert.equal([...r.unmatched], ["hasOwnProperty"]);
});

test("a null-prototype record works", () => {
  const bare = Object.assign(Object.create(null) as Record<string, string>, { X: "x" });
  assert.is(processWord("$X", bare), "x");
});

test("a variable named get is not mistaken for a Map", () => {
  assert.is(processWord("$get", { get: "got" }), "got");
});

test("plain words come back unchanged, with empty match sets", () => {
  const word = "no/special-chars_here.txt";
  assert.is(processWord(word, env), word);
  const r = processWordWithMatches(word, env);
  assert.is(r.value, word);
  assert.is(r.matched.size, 0);
  assert.is(r.unmatched.size, 0);
  assert.equal(processWords(word, env), [word]);
});

test("processWord keeps spaces that processWords splits on", () => {
  const word = `  $SET  "a  b"  `;
  assert.is(processWord(word, env), "  value  a  b  ");
  assert.equal(processWords(word, env), ["value", "a  b"]);
});

test.run();
