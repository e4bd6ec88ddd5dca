// Structure: how scripts split into lists, and-or lists, pipelines and commands. Each case is
// [script, normalised form] (see show.ts: `[...]` is a simple command with each word's static
// value, or the word as written when it has expansions; ⏎ is a newline separator).
// Every case here parses without syntax problems.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseScript } from "../../../linter/shell/index.js";
import { showList } from "./show.js";

const table: ReadonlyArray<readonly [string, string]> = [
  // Simple commands and lists.
  ["echo hello", "[echo hello]"],
  ["  echo   a\tb  ", "[echo a b]"],
  ["a; b", "[a] ; [b]"],
  ["a;b;", "[a] ; [b] ;"],
  ["a & b", "[a] & [b]"],
  ["a\nb\n", "[a] ⏎ [b] ⏎"],
  ["a && b || c", "[a] && [b] || [c]"],
  ["a &&\n  b", "[a] && [b]"],
  ["a | b | c", "[a] | [b] | [c]"],
  ["a |& b", "[a] |& [b]"],
  ["a |\n b", "[a] | [b]"],
  ["! a | b && c", "! [a] | [b] && [c]"],
  ["time -p make", "time [make]"],
  ["a && b; c || d &", "[a] && [b] ; [c] || [d] &"],
  // Line continuations and comments.
  ["apt-get update \\\n && apt-get install x", "[apt-get update] && [apt-get install x]"],
  ["echo a # a comment\necho b", "[echo a] ⏎ [echo b]"],
  ["echo a#b", "[echo a#b]"],
  ["echo a # comment && rm -rf /", "[echo a]"],
  ["# only a comment", ""],
  ["echo a;# comment", "[echo a] ;"],
  // Assignments and redirections.
  ["A=1 B=2 cmd arg", "[A=1 B=2 cmd arg]"],
  ["A=1", "[A=1]"],
  ["A= cmd", "[A= cmd]"],
  ["A+=x", "[A+=x]"],
  ["arr=(a b c) cmd", "[arr=(a b c) cmd]"],
  ["cmd A=1", "[cmd A=1]"],
  ["export PATH=$PATH:/x", "[export PATH=$PATH:/x]"],
  ["cmd > out 2>&1", "[cmd >out 2>&1]"],
  ["cmd >>log 2>/dev/null <in", "[cmd >>log 2>/dev/null <in]"],
  ["cmd &> all", "[cmd &>all]"],
  ["cmd &>>all", "[cmd &>>all]"],
  ["cmd 3<>f {fd}>g >|h", "[cmd 3<>f {fd}>g >|h]"],
  ["> file", "[>file]"],
  ["cat <<< \"$x\"", "[cat <<<\"$x\"]"],
  ["2>&1 cmd", "[cmd 2>&1]"],
  ["echo 2x>y", "[echo 2x >y]"],
  // Heredocs.
  ["cat <<EOF > /etc/x\nline $a\nEOF\necho done", "[cat <<EOF(\"line $a\\n\") >/etc/x] ⏎ [echo done]"],
  ["cat <<-'EOF'\n\tindented\n\tEOF\n", "[cat <<-EOF(\"indented\\n\")] ⏎"],
  ["a <<A; b <<B\n1\nA\n2\nB\nc", "[a <<A(\"1\\n\")] ; [b <<B(\"2\\n\")] ⏎ [c]"],
  ["cat <<EOF | sh\necho hi\nEOF", "[cat <<EOF(\"echo hi\\n\")] | [sh] ⏎"],
  ["x=$(cat <<EOF\nbody\nEOF\n)", "[x=$(cat <<EOF\nbody\nEOF\n)]"],
  // Subshells and groups.
  ["(cd /src && make)", "( [cd /src] && [make] )"],
  ["( a ; b ) > log", "( [a] ; [b] ) >log"],
  ["{ a; b; }", "{ [a] ; [b] ; }"],
  ["{ a\nb\n} 2>&1", "{ [a] ⏎ [b] ⏎ } 2>&1"],
  ["echo { }", "[echo { }]"],
  ["echo {a,b}", "[echo {a,b}]"],
  ["( (a) )", "( ( [a] ) )"],
  // if / loops / case.
  ["if a; then b; fi", "if [a] ; then [b] ; fi"],
  ["if a\nthen\n  b\nelif c; then d\nelse e\nfi", "if [a] ⏎ then [b] ⏎ elif [c] ; then [d] ⏎ else [e] ⏎ fi"],
  ["if ! grep -q x f; then echo no; fi", "if ! [grep -q x f] ; then [echo no] ; fi"],
  ["if [ -f x ] && [ -d y ]; then :; fi > log", "if [[ -f x ]] && [[ -d y ]] ; then [:] ; fi >log"],
  ["for f in a b c; do echo $f; done", "for f in a b c do [echo $f] ; done"],
  ["for f in *.deb\ndo\n dpkg -i $f\ndone", "for f in *.deb do [dpkg -i $f] ⏎ done"],
  ["for x; do :; done", "for x do [:] ; done"],
  ["for ((i=0; i<3; i++)); do echo $i; done", "for ((i=0; i<3; i++)) do [echo $i] ; done"],
  ["while read -r line; do echo \"$line\"; done < file", "while [read -r line] ; do [echo \"$line\"] ; done <file"],
  ["until curl -f x; do sleep 1; done", "until [curl -f x] ; do [sleep 1] ; done"],
  ["select x in a b; do break; done", "select x in a b do [break] ; done"],
  ["case $x in a|b) echo ab;; *) echo other;; esac", "case $x in a|b) [echo ab] ;; *) [echo other] ;; esac"],
  ["case \"$1\" in\n  (start) run ;;\n  stop)\n    halt\n    ;;\nesac", "case \"$1\" in start) [run] ;; stop) [halt] ⏎ ;; esac"],
  ["case x in a) b;& c) d;;& *) e\nesac", "case x in a) [b] ;& c) [d] ;;& *) [e] ⏎ esac"],
  ["case $(uname -m) in x86_64) A=amd64 ;; aarch64) A=arm64 ;; esac && echo $A", "case $(uname -m) in x86_64) [A=amd64] ;; aarch64) [A=arm64] ;; esac && [echo $A]"],
  ["case x in esac", "case x in  esac"],
  // bash constructs.
  ["[[ -f a && -d b ]] && echo yes", "[[ -f a && -d b ]] && [echo yes]"],
  ["[[ $x =~ ^(a|b)$ ]] || exit 1", "[[ $x =~ ^(a|b)$ ]] || [exit 1]"],
  ["[[ ( a == b ) || ! -z $c ]]", "[[ ( a == b ) || ! -z $c ]]"],
  ["(( i++ )) && echo $i", "(( i++ )) && [echo $i]"],
  ["f() { echo f; }; f", "f() { [echo f] ; } ; [f]"],
  ["function g { echo g; }", "g() { [echo g] ; }"],
  ["function h() ( echo h )", "h() ( [echo h] )"],
  ["diff <(sort a) <(sort b)", "[diff <(sort a) <(sort b)]"],
  // Reserved words only count in command position.
  ["echo if then fi done", "[echo if then fi done]"],
  ["echo a; echo }", "[echo a] ; [echo }]"],
  ["iff; done_x", "[iff] ; [done_x]"],
];

for (const [script, expected] of table) {
  test(`${JSON.stringify(script)} → ${expected}`, () => {
    const s = parseScript(script);
    assert.equal(s.problems, []);
    assert.is(showList(s.body), expected);
  });
}

test.run();
