// The flat command view: every simple command in any nesting, in source order, with the
// operator before and after it and the constructs around it. Each case is [script, one line per
// command: "name after/before flags"], where flags are P (in a pipeline), S (subshell),
// $ (substitution), C (condition), F (function), L (loop), & (background), ! (negated).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { commands, directoryChanges, findCommands, parseScript, type CommandInfo } from "../../../linter/shell/index.js";

const op = (o: string | null): string => (o === null ? "-" : o === "\n" ? "NL" : o);

function describe(c: CommandInfo): string {
  const flags =
    (c.inPipeline ? "P" : "") + (c.inSubshell ? "S" : "") + (c.inSubstitution ? "$" : "") + (c.inCondition ? "C" : "") +
    (c.inFunction ? "F" : "") + (c.inLoop ? "L" : "") + (c.background ? "&" : "") + (c.negated ? "!" : "");
  return `${c.name ?? "?"} ${op(c.after)}/${op(c.before)}${flags ? " " + flags : ""}`;
}

const table: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["a && b || c", ["a -/&&", "b &&/||", "c ||/-"]],
  ["a; b & c\nd", ["a -/;", "b ;/& &", "c &/NL", "d NL/-"]],
  ["a | b && c | d", ["a -/| P", "b |/&& P", "c &&/| P", "d |/- P"]],
  ["! a | b", ["a -/| P!", "b |/- P!"]],
  ["(cd x && make) && cp a b", ["cd -/&& S", "make &&/- S", "cp &&/-"]],
  ["{ cd x; make; }", ["cd -/;", "make ;/;"]],
  ["echo $(date +%s) `id -u`", ["echo -/-", "date -/- S$", "id -/- S$"]],
  ["x=$(cat f | wc -l)", ["? -/-", "cat -/| PS$", "wc |/- PS$"]],
  ["if test -f a; then rm a; elif b; then c; else d; fi", ["test -/; C", "rm -/;", "b -/; C", "c -/;", "d -/;"]],
  ["while read l; do echo $l; done < f", ["read -/; CL", "echo -/; L"]],
  ["for i in $(seq 3); do echo $i; done", ["seq -/- S$", "echo -/; L"]],
  ["f() { apt-get update; }; f", ["apt-get -/; F", "f ;/-"]],
  ["case $x in a) b && c;; esac", ["b -/&&", "c &&/-"]],
  ["[[ $(uname) == Linux ]] && echo y", ["uname -/- S$", "echo &&/-"]],
  ["diff <(sort a) b", ["diff -/-", "sort -/- S$"]],
  ["sleep 1 &", ["sleep -/& &"]],
  ["A=1 B=2", ["? -/-"]],
  ["$CMD arg", ["? -/-"]],
];

for (const [script, expected] of table) {
  test(`commands of ${JSON.stringify(script)}`, () => {
    const s = parseScript(script);
    assert.equal(s.problems, []);
    assert.equal(commands(s).map(describe), expected);
  });
}

test("findCommands finds by quote-removed name in any nesting", () => {
  const s = parseScript(`"apt-get" update && (cd /x && \\apt-get install y) && echo $(apt-get -v)`);
  assert.equal(findCommands(s, "apt-get").map((c) => c.args.map((a) => a.value).join(" ")), ["update", "install y", "-v"]);
  assert.equal(findCommands(s, ["cd", "echo"]).map((c) => c.name), ["cd", "echo"]);
});

test("directoryChanges: cd/pushd/popd that outlive their command", () => {
  const s = parseScript("cd /a && (cd /b && make) && x=$(cd /c; pwd) && pushd /d && popd; if true; then cd /e; fi");
  assert.equal(directoryChanges(s).map((c) => c.args[0]?.value ?? c.name), ["/a", "/d", "popd", "/e"]);
});

test("commands() is cached per script", () => {
  const s = parseScript("a; b");
  assert.is(commands(s), commands(s));
});

test.run();
