// Tolerance: the parser never throws. Broken scripts give syntax problems (as data) and the
// commands it could still recognise. Each case is [script, problem messages, command names].
import { test } from "uvu";
import * as assert from "uvu/assert";
import { commands, parseScript } from "../../../linter/shell/index.js";

const table: ReadonlyArray<readonly [string, readonly string[], readonly (string | null)[]]> = [
  ["echo 'open", ["unterminated single quote"], ["echo"]],
  [`echo "open && rm x`, ["unterminated double quote"], ["echo"]],
  [`echo $'open`, ["unterminated $'...' quote"], ["echo"]],
  ["echo `open", ["unterminated backquote"], ["echo", "open"]],
  ["echo $(open && more", ["expected ')' to close '$('"], ["echo", "open", "more"]],
  ["echo ${open", ["expected '}' to close '${'"], ["echo"]],
  ["echo ${}", ["bad substitution"], ["echo"]],
  ["if true; then echo", ["expected 'fi' to close 'if'"], ["true", "echo"]],
  ["if true; echo; fi", ["expected 'then' to close 'if'"], ["true", "echo"]],
  ["for x in a b; echo $x; done", ["expected 'do' to close 'for'"], ["echo"]],
  ["while true; do echo", ["expected 'done' to close 'while'"], ["true", "echo"]],
  ["case x in a) echo", ["expected 'esac' to close 'case'"], ["echo"]],
  ["{ echo a }", ["expected '}' to close '{'"], ["echo"]],
  ["(echo a", ["expected ')' to close '('"], ["echo"]],
  ["echo a )", ["syntax error near unexpected token ')'"], ["echo"]],
  ["fi; echo after", ["syntax error near unexpected token 'fi'", "syntax error near unexpected token ';'"], ["echo"]],
  ["echo a && ; echo b", ["expected a command after '&&'"], ["echo", "echo"]],
  ["echo a | ", ["expected a command after '|'"], ["echo"]],
  ["; echo b", ["syntax error near unexpected token ';'"], ["echo"]],
  ["echo a;; echo b", ["syntax error near unexpected token ';;'"], ["echo", "echo"]],
  ["echo >", ["expected a word after '>'"], ["echo"]],
  ["cat <<EOF\nno end", [`here-document delimited by end of script (wanted "EOF")`], ["cat"]],
  ["cat <<EOF", [`here-document "EOF" has no body`], ["cat"]],
  ["[[ -f x", ["expected ']]' to close '[['"], []],
  ["echo a (b)", ["syntax error near unexpected token '('", "syntax error near unexpected token ')'"], ["echo"]],
  [`echo "$(echo ')"`, ["unterminated single quote", "expected ')' to close '$('", "unterminated double quote"], ["echo", "echo"]],
];

for (const [script, problems, names] of table) {
  test(`${JSON.stringify(script)} is tolerated`, () => {
    const s = parseScript(script);
    assert.equal(s.problems.map((p) => p.message), problems);
    assert.equal(commands(s).map((c) => c.name), names);
    for (const p of s.problems) assert.ok(p.start >= 0 && p.end <= script.length && p.start <= p.end, "problem span in range");
  });
}

test("never throws on arbitrary input", () => {
  const alphabet = ["a", " ", "'", '"', "$", "(", ")", "{", "}", "`", "\\", "\n", ";", "&", "|", "<", ">", "#", "if", "then", "fi", "case", "esac", "in", "do", "done", "[[", "]]", "<<", "EOF", "=", "-"];
  let seed = 42;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 3000; k++) {
    let text = "";
    const len = rand(40);
    for (let j = 0; j < len; j++) text += alphabet[rand(alphabet.length)];
    const s = parseScript(text);
    commands(s);
    for (const p of s.problems) assert.ok(p.start <= p.end && p.end <= text.length, `problem span for ${JSON.stringify(text)}`);
  }
});

test.run();
