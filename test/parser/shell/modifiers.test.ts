// `${name<op>word}` forms: defaults, alternatives, required values, nesting, and which names each
// form reports as matched (set) or unmatched (unset).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { processWordWithMatches } from "../../../parser/shell/index.js";

const env = { SET: "value", EMPTY: "", PWD: "/home", SHELL: "bash", V: "v7" };

interface Row {
  readonly word: string;
  readonly value: string;
  readonly matched?: readonly string[];
  readonly unmatched?: readonly string[];
}

const table: readonly Row[] = [
  // ${v:-w}: w when v is unset or empty.
  { word: "${SET:-w}", value: "value", matched: ["SET"] },
  { word: "${EMPTY:-w}", value: "w", matched: ["EMPTY"] },
  { word: "${NOPE:-w}", value: "w", unmatched: ["NOPE"] },
  { word: "${NOPE:-}", value: "", unmatched: ["NOPE"] },
  { word: "he${XXX:-000}xx", value: "he000xx", unmatched: ["XXX"] },
  // ${v-w}: w only when v is unset.
  { word: "${SET-w}", value: "value", matched: ["SET"] },
  { word: "${EMPTY-w}", value: "", matched: ["EMPTY"] },
  { word: "${NOPE-w}", value: "w", unmatched: ["NOPE"] },
  // ${v:+w}: w when v is set and not empty.
  { word: "${SET:+w}", value: "w", matched: ["SET"] },
  { word: "${EMPTY:+w}", value: "", matched: ["EMPTY"] },
  { word: "${NOPE:+w}", value: "", unmatched: ["NOPE"] },
  // ${v+w}: w when v is set, even to "".
  { word: "${SET+w}", value: "w", matched: ["SET"] },
  { word: "${EMPTY+w}", value: "w", matched: ["EMPTY"] },
  { word: "${NOPE+w}", value: "", unmatched: ["NOPE"] },
  // ${v:?m} and ${v?m} pass the value through when it is acceptable.
  { word: "${SET:?m}", value: "value", matched: ["SET"] },
  { word: "${SET?m}", value: "value", matched: ["SET"] },
  { word: "${EMPTY?m}", value: "", matched: ["EMPTY"] },
  // The word part is itself processed: nested references, quotes, escapes.
  { word: "${NOPE:-$PWD}", value: "/home", matched: ["PWD"], unmatched: ["NOPE"] },
  { word: "${NOPE:-${PWD:-yyy}}", value: "/home", matched: ["PWD"], unmatched: ["NOPE"] },
  { word: "${NOPE:-${YYY:-yyy}}", value: "yyy", unmatched: ["NOPE", "YYY"] },
  { word: "${PWD:+${NOPE}}", value: "", matched: ["PWD"], unmatched: ["NOPE"] },
  { word: "${PWD:+${SHELL}}", value: "bash", matched: ["PWD", "SHELL"] },
  { word: "${PWD:+${PWD}:}", value: "/home:", matched: ["PWD"] },
  { word: "${NOPE:-\\$PWD:}", value: "$PWD:", unmatched: ["NOPE"] },
  { word: "${NOPE:-\\${PWD}z}", value: "${PWDz}", unmatched: ["NOPE"] },
  { word: "${NOPE:-\\}}", value: "}", unmatched: ["NOPE"] },
  { word: "${NOPE:-'a}b'}", value: "a}b", unmatched: ["NOPE"] },
  { word: `\${NOPE:-"x y"}`, value: "x y", unmatched: ["NOPE"] },
  { word: "${NOPE:-bbb {foo}", value: "bbb {foo", unmatched: ["NOPE"] },
  { word: "${NOPE:-bbb}}", value: "bbb}", unmatched: ["NOPE"] },
  { word: "${NOPE:-a:b}", value: "a:b", unmatched: ["NOPE"] },
  // The word is processed, and its names recorded, even when it is not used.
  { word: "${SET:-$PWD}", value: "value", matched: ["SET", "PWD"] },
  // Positional and special parameters are looked up like names.
  { word: "${1:-one}", value: "one", unmatched: ["1"] },
  { word: "${#:-hash}", value: "hash", unmatched: ["#"] },
  // A name looked up twice is reported once.
  { word: "$SET${SET}${SET:-x}", value: "valuevaluevalue", matched: ["SET"] },
  // BuildKit's own example: an optional "-variant" suffix.
  {
    word: "x-${V}${V:+-${V}}${NOPE:+-${NOPE}}.tar.gz",
    value: "x-v7-v7.tar.gz",
    matched: ["V"],
    unmatched: ["NOPE"],
  },
  // Plain words report nothing.
  { word: "plain", value: "plain" },
  { word: "'$SET'", value: "$SET" },
];

for (const row of table) {
  test(`processWordWithMatches ${JSON.stringify(row.word)}`, () => {
    const result = processWordWithMatches(row.word, env);
    assert.is(result.value, row.value);
    assert.equal([...result.matched].sort(), [...(row.matched ?? [])].sort(), "matched");
    assert.equal([...result.unmatched].sort(), [...(row.unmatched ?? [])].sort(), "unmatched");
  });
}

test.run();
