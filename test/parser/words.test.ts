/** The word splitters, quoting for the dump, suggestions and code frames. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { goQuote, parse, renderDiagnostics } from "../../parser/index.js";
import { editDistance, suggest } from "../../parser/suggest.js";
import { parseJsonArray, parseWords, splitRawWords, whitespaceWords } from "../../parser/words.js";

const texts = (ws: { text: string }[]) => ws.map((w) => w.text);

test("whitespaceWords splits on blanks only and keeps offsets", () => {
  const ws = whitespaceWords(' a  "b c"\td', 10);
  assert.equal(texts(ws), ["a", '"b', 'c"', "d"]);
  assert.equal([ws[0]!.start, ws[0]!.end], [11, 12]);
});

test("parseWords keeps quoted blanks, quotes and escapes (ENV/LABEL/ARG)", () => {
  assert.equal(texts(parseWords('a="x y" b=\'1 2\' c=d\\ e', "\\")), ['a="x y"', "b='1 2'", "c=d\\ e"]);
  assert.equal(texts(parseWords("a=b` c", "`")), ["a=b` c"]);
  assert.equal(texts(parseWords('k=""', "\\")), ['k=""']);
  assert.equal(texts(parseWords("a\\", "\\")), ["a"]);
});

test("splitRawWords respects quotes", () => {
  assert.equal(texts(splitRawWords(`cat <<"E F" > x 'a b'`, "\\")), ["cat", '<<"E F"', ">", "x", "'a b'"]);
});

test("parseJsonArray: strings only, nothing after", () => {
  assert.equal(parseJsonArray(' ["a", "b"]'), { kind: "array", values: ["a", "b"] });
  assert.equal(parseJsonArray("[1]"), { kind: "not-strings" });
  assert.equal(parseJsonArray('["a"] x'), { kind: "not-json" });
  assert.equal(parseJsonArray("echo"), { kind: "not-json" });
});

test("parseJsonArray agrees with JSON.parse on and around the fast path", () => {
  const viaJson = (t: string) => {
    try {
      const v: unknown = JSON.parse(t.trimStart());
      if (!Array.isArray(v)) return { kind: "not-json" };
      return v.every((x) => typeof x === "string") ? { kind: "array", values: v } : { kind: "not-strings" };
    } catch {
      return { kind: "not-json" };
    }
  };
  const cases = ["[]", "[ ]", '[\t"a"\r\n]', '["a" , "b"]  ', '["é", "日本"]', '["", ""]', '["a",]', '["a" "b"]', '[,"a"]',
    '["a\\"b"]', '["\\u0041"]', '["a\tb"]', '["a"]\v', '["a"],', '["a", 1]', "[ -f x ]"];
  for (const c of cases) assert.equal(parseJsonArray(c), viaJson(c), c);
});

test("goQuote matches Go's strconv.Quote", () => {
  assert.is(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.is(goQuote("\t\n\x1b"), '"\\t\\n\\x1b"');
  assert.is(goQuote("café 日本"), '"café 日本"');
  assert.is(goQuote("a\u00a0b"), '"a\\u00a0b"');
});

test("suggest finds near names only", () => {
  assert.is(editDistance("kitten", "sitting"), 3);
  assert.is(suggest("RUNN", ["RUN", "COPY"]), "RUN");
  assert.is(suggest("xyzzy", ["RUN", "COPY"]), undefined);
});

test("code frames show the file, line, column, the line and a caret under the range", () => {
  const text = "FROM a\n\tCOPPY x y\n";
  const out = renderDiagnostics(text, parse(text).diagnostics, { file: "Dockerfile" });
  assert.is(
    out,
    [
      "error[unknown-instruction]: unknown instruction: COPPY",
      "  --> Dockerfile:2:2",
      "  |",
      "1 | FROM a",
      "2 |     COPPY x y",
      "  |     ^^^^^ did you mean COPY?",
      "",
    ].join("\n"),
  );
});

test.run();
