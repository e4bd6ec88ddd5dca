// Words: quoting, escapes and expansions. Each case is [script, the first command's argv], each
// word given as its static value after quote removal, or `null` when it contains an expansion
// (the value is only known at run time). `parts` cases list each word's part types.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { commands, parseScript, type WordPart } from "../../../linter/shell/index.js";

const values: ReadonlyArray<readonly [string, readonly (string | null)[]]> = [
  ["apt-get install -y --no-install-recommends a=1.0 b", ["apt-get", "install", "-y", "--no-install-recommends", "a=1.0", "b"]],
  [`echo 'single $x' "double" plain`, ["echo", "single $x", "double", "plain"]],
  [`echo a"b c"d'e f'g`, ["echo", "ab cde fg"]],
  [`echo "a\\"b" "\\$x" "\\\\" "\\q"`, ["echo", 'a"b', "$x", "\\", "\\q"]],
  [`echo \\$x \\"q\\" a\\ b \\\\`, ["echo", "$x", '"q"', "a b", "\\"]],
  [`echo $'tab\\there' $'it\\'s' $'\\x41\\101'`, ["echo", "tab\there", "it's", "AA"]],
  [`echo $x "$x" \${x} "\${x:-d}"`, ["echo", null, null, null, null]],
  [`echo pre$x post-\${y}`, ["echo", null, null]],
  ["echo $(date) `date` $((1+2))", ["echo", null, null, null]],
  ["echo $ $. a$ '$'", ["echo", "$", "$.", "a$", "$"]],
  [`echo "price: $"`, ["echo", "price: $"]],
  ["echo *.deb ~/x {a,b} [ab]", ["echo", "*.deb", "~/x", "{a,b}", "[ab]"]],
  ["echo a\\\nb", ["echo", "ab"]],
  [`"apt-get" install`, ["apt-get", "install"]],
  [`\\rm -f x`, ["rm", "-f", "x"]],
  [`echo ""`, ["echo", ""]],
  [`echo "$(echo "nested \\"quotes\\" $(echo 'deep')")"`, ["echo", null]],
  ["echo ${x:-a b} ${#arr[@]} ${!ref} ${x/a/b}", ["echo", null, null, null, null]],
  ["echo ${x:-$(cmd)}", ["echo", null]],
  [`curl -fsSL "https://example.com/a b" -o /tmp/x`, ["curl", "-fsSL", "https://example.com/a b", "-o", "/tmp/x"]],
  [`pip install "requests==2.31.0" 'flask>=2'`, ["pip", "install", "requests==2.31.0", "flask>=2"]],
  ["echo a=b c==d", ["echo", "a=b", "c==d"]],
  ["echo $1 $@ $# $? $$ $!", ["echo", null, null, null, null, null, null]],
  ["echo \\#notacomment", ["echo", "#notacomment"]],
];

for (const [script, argv] of values) {
  test(`argv of ${JSON.stringify(script)}`, () => {
    const s = parseScript(script);
    assert.equal(s.problems, []);
    assert.equal(commands(s)[0]!.argv.map((w) => w.value), argv);
  });
}

const kinds = (parts: readonly WordPart[]): string =>
  parts
    .map((p) => {
      switch (p.type) {
        case "double":
          return `double(${kinds(p.parts)})`;
        case "param":
          return `param:${p.prefix ?? ""}${p.name}${p.subscript !== null ? `[${p.subscript}]` : ""}${p.op !== null ? ` ${p.op} ${kinds(p.word ?? [])}` : ""}`;
        case "command":
          return p.backtick ? "backtick" : "command";
        case "arithmetic":
          return `arith(${p.expression})`;
        case "process":
          return `process${p.direction}`;
        default:
          return p.type;
      }
    })
    .join(" ");

/** [word, its parts] */
const parts: ReadonlyArray<readonly [string, string]> = [
  ["plain", "literal"],
  ["'q'", "single"],
  ["$'q'", "ansi"],
  ['"a $b c"', "double(literal param:b literal)"],
  ['$"loc"', "double(literal)"],
  ["${X:-def}", "param:X :- literal"],
  ['${X:-"a $Y"}', "param:X :- double(literal param:Y)"],
  ["${X:-$(pwd)}", "param:X :- command"],
  ["${#ARR[@]}", "param:#ARR[@]"],
  ["${!REF}", "param:!REF"],
  ["${#}", "param:#"],
  ["${X##*/}", "param:X ## literal"],
  ["${X//a/b}", "param:X // literal"],
  ["${X:1:2}", "param:X : literal"],
  ["${X^^}", "param:X ^^ "],
  ["$((1 + (2 * 3)))", "arith(1 + (2 * 3))"],
  ["$[1+1]", "arith(1+1)"],
  ["$( (cd a; ls) )", "command"],
  ["$((cd a); ls)", "command"],
  ["`echo \\`date\\``", "backtick"],
  ["a$1b", "literal param:1 literal"],
  ["pre${X}post", "literal param:X literal"],
];

for (const [word, expected] of parts) {
  test(`parts of ${word}`, () => {
    const s = parseScript(`echo ${word}`);
    assert.equal(s.problems, []);
    assert.is(kinds(commands(s)[0]!.argv[1]!.parts), expected);
  });
}

test("word offsets cover the word as written; raw is the text", () => {
  const script = `echo  "a b"c  $(x)`;
  const s = parseScript(script);
  const [, w1, w2] = commands(s)[0]!.argv;
  assert.is(script.slice(w1!.start, w1!.end), `"a b"c`);
  assert.is(w1!.raw, `"a b"c`);
  assert.is(script.slice(w2!.start, w2!.end), "$(x)");
});

test("commands inside backticks have offsets into the original text", () => {
  const script = "echo `grep \\`cat f\\` x`";
  const s = parseScript(script);
  const names = commands(s).map((c) => [c.name, script.slice(c.command.start, c.command.end)]);
  assert.equal(names, [["echo", script], ["grep", "grep \\`cat f\\` x"], ["cat", "cat f"]]);
});

test.run();
