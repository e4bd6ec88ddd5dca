// processWords: expansion, then splitting into fields on white space that was neither quoted
// nor escaped, white space inside expanded values included (how EXPOSE reads its ports).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { processWords, ShellExpansionError } from "../../../parser/shell/index.js";

const env = { PORTS: "80 443/tcp", PWD: "/home", SPACED: "  a   b  ", EMPTY: "", TABS: "x\ty\nz" };

/** [word, fields] */
const table: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["hello", ["hello"]],
  ["hello world", ["hello", "world"]],
  ["  leading and trailing  ", ["leading", "and", "trailing"]],
  ["tabs\tand\nnewlines", ["tabs", "and", "newlines"]],
  ["", []],
  ["   ", []],
  // Quoted white space is kept; quotes glue to the text around them.
  [`"hello world"`, ["hello world"]],
  ["'hello world'", ["hello world"]],
  [`a"b c"d`, ["ab cd"]],
  [`"a" "b"`, ["a", "b"]],
  // Empty quotes give no field (BuildKit; sh would give an empty one).
  [`a "" b`, ["a", "b"]],
  [`''`, []],
  // An escaped space is kept.
  ["hello\\ world", ["hello world"]],
  ["a\\  b", ["a ", "b"]],
  // Expanded values are split...
  ["$PORTS", ["80", "443/tcp"]],
  ["$SPACED", ["a", "b"]],
  ["x${SPACED}y", ["x", "a", "b", "y"]],
  ["$TABS", ["x", "y", "z"]],
  // ...unless quoted.
  [`"$PORTS"`, ["80 443/tcp"]],
  [`"$SPACED"`, ["  a   b  "]],
  // Empty expansions vanish.
  ["a $EMPTY b", ["a", "b"]],
  ["$NOPE", []],
  ["a${NOPE}b", ["ab"]],
  // The value of a nested default is split too, quotes inside it notwithstanding (BuildKit).
  [`\${NOPE:-"1 2"}`, ["1", "2"]],
  ["pre${NOPE:-x}post", ["prexpost"]],
  // Text before a nested word part stays in its field (recent BuildKit loses "a" here).
  ["a${NOPE:-b}c d", ["abc", "d"]],
  ["${PWD}/bin /etc", ["/home/bin", "/etc"]],
  // Unicode white space (Go's unicode.IsSpace) separates fields too.
  ["a\u00a0b\u2003c\u3000d", ["a", "b", "c", "d"]],
  ["a\u200bb", ["a\u200bb"]],
];

for (const [word, fields] of table) {
  test(`processWords ${JSON.stringify(word)} → ${JSON.stringify(fields)}`, () => {
    assert.equal(processWords(word, env), fields);
  });
}

test("processWords uses the escape character option", () => {
  assert.equal(processWords("a` b c", env, { escapeChar: "`" }), ["a b", "c"]);
  assert.equal(processWords("a\\ b", env, { escapeChar: "`" }), ["a\\", "b"]);
});

test("processWords reports errors like processWord", () => {
  assert.throws(() => processWords(`"open`, env), (e: unknown) => e instanceof ShellExpansionError);
  assert.throws(() => processWords("${NOPE:?needed}", env), /NOPE: needed/);
});

test.run();
