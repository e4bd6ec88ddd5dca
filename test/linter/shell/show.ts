/**
 * Prints a shell AST back as compact, normalised text so tests read as specifications:
 * a simple command is `[w1 w2 ...]` (each word's static value, or `raw` when dynamic,
 * assignments as `A=v`, redirections as `>file`), compound commands keep their keywords,
 * lists keep their operators.
 */
import type { Command, List, Pipeline, Redirect, Word, AndOr } from "../../../linter/shell/index.js";

export function showWord(w: Word): string {
  return w.value ?? w.raw;
}

function showRedirect(r: Redirect): string {
  const fd = r.fd !== null ? String(r.fd) : r.fdVariable !== null ? `{${r.fdVariable}}` : "";
  const target = r.target ? showWord(r.target) : "?";
  const body = r.heredoc ? `(${JSON.stringify(r.heredoc.content)})` : "";
  return `${fd}${r.op}${target}${body}`;
}

function redirs(rs: readonly Redirect[]): string {
  return rs.map((r) => " " + showRedirect(r)).join("");
}

export function showCommand(c: Command): string {
  switch (c.type) {
    case "simple":
      return "[" + [...c.assignments.map((a) => `${a.name}${a.append ? "+" : ""}=${a.array ? "(" + a.array.map(showWord).join(" ") + ")" : showWord(a.value!)}`), ...c.words.map(showWord), ...c.redirects.map(showRedirect)].join(" ") + "]";
    case "subshell":
      return `( ${showList(c.body)} )` + redirs(c.redirects);
    case "group":
      return `{ ${showList(c.body)} }` + redirs(c.redirects);
    case "if":
      return c.clauses.map((cl, i) => `${i === 0 ? "if" : "elif"} ${showList(cl.condition)} then ${showList(cl.body)}`).join(" ") +
        (c.elseBody ? ` else ${showList(c.elseBody)}` : "") + " fi" + redirs(c.redirects);
    case "for":
      return `${c.keyword} ${c.variable}${c.items ? " in " + c.items.map(showWord).join(" ") : ""} do ${showList(c.body)} done` + redirs(c.redirects);
    case "arithmetic-for":
      return `for ((${c.expression})) do ${showList(c.body)} done` + redirs(c.redirects);
    case "while":
      return `${c.until ? "until" : "while"} ${showList(c.condition)} do ${showList(c.body)} done` + redirs(c.redirects);
    case "case":
      return `case ${c.word ? showWord(c.word) : "?"} in ` + c.items.map((it) => `${it.patterns.map(showWord).join("|")}) ${showList(it.body)}${it.terminator ? " " + it.terminator : ""}`).join(" ") + " esac" + redirs(c.redirects);
    case "function":
      return `${c.name}() ${showCommand(c.body)}`;
    case "arithmetic-command":
      return `((${c.expression}))` + redirs(c.redirects);
    case "test":
      return `[[ ${c.words.map(showWord).join(" ")} ]]` + redirs(c.redirects);
  }
}

function showPipeline(p: Pipeline): string {
  let out = (p.timed ? "time " : "") + (p.negated ? "! " : "");
  p.commands.forEach((c, i) => {
    out += (i > 0 ? ` ${p.ops[i - 1]} ` : "") + showCommand(c);
  });
  return out;
}

function showAndOr(a: AndOr): string {
  return a.pipelines.map((p, i) => (i > 0 ? ` ${a.ops[i - 1]} ` : "") + showPipeline(p)).join("");
}

export function showList(l: List): string {
  return l.items
    .map((it) => showAndOr(it.command) + (it.separator === null ? "" : it.separator === "\n" ? " ⏎" : ` ${it.separator}`))
    .join(" ");
}
