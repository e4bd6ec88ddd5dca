/**
 * A small Go text/template engine for `--format` (docker-compatible), over JSON values:
 *
 * - actions `{{.A.B}}`, `{{.}}`, `{{$v.X}}`, pipelines `{{.X | json}}`, `{{- trim -}}` markers,
 *   comments `{{/* … *\/}}`;
 * - `{{if P}}…{{else if P}}…{{else}}…{{end}}`, `{{range P}}…{{else}}…{{end}}`,
 *   `{{range $i, $v := P}}`, `{{with P}}…{{end}}`;
 * - functions: json, index, join, len, upper, lower, title, split, print, println, printf
 *   (%s %d %v %q), eq, ne, lt, gt, not, and, or, truncate, pad;
 * - values print as Go prints them: slices `[a b]`, maps `map[k:v]` (keys sorted), nil slices
 *   `[]`, nil maps `map[]` (known Docker field names), other nil `<nil>`, missing `<no value>`.
 *
 * Errors are KilnError `invalid-template` (parse) or `template-error` (execution).
 */
import { KilnError } from "../util/errors.js";

type Value = unknown;
const MISSING = Symbol("missing");

const MAP_FIELDS = new Set(["Labels", "Volumes", "ExposedPorts", "Annotations"]);
const SLICE_FIELDS = new Set(["Env", "Cmd", "Entrypoint", "OnBuild", "Shell", "RepoTags", "RepoDigests", "Layers"]);

// ------------------------------------------------------------------ lexing

type Node =
  | { t: "text"; text: string }
  | { t: "action"; pipe: Pipe }
  | { t: "if"; branches: { cond: Pipe; body: Node[] }[]; otherwise: Node[] }
  | { t: "range"; pipe: Pipe; vars: string[]; body: Node[]; otherwise: Node[] }
  | { t: "with"; pipe: Pipe; body: Node[]; otherwise: Node[] };

type Term =
  | { t: "field"; base: "dot" | string; path: string[] }
  | { t: "lit"; value: Value }
  | { t: "sub"; pipe: Pipe; path: string[] }
  | { t: "ident"; name: string };
type Command = Term[];
type Pipe = { decl?: string[]; commands: Command[] };

function parseError(msg: string): KilnError {
  return new KilnError("invalid-template", `invalid --format template: ${msg}`);
}

function splitActions(src: string): ({ text: string } | { action: string })[] {
  const out: ({ text: string } | { action: string })[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    if (open < 0) {
      out.push({ text: src.slice(i) });
      break;
    }
    let text = src.slice(i, open);
    let start = open + 2;
    if (src.startsWith("- ", start) || src.startsWith("-\t", start) || src.startsWith("-\n", start)) {
      text = text.replace(/\s+$/, "");
      start += 1;
    }
    if (text) out.push({ text });
    // find the closing braces outside string literals
    let j = start;
    let quote: string | null = null;
    for (; j < src.length; j++) {
      const c = src[j]!;
      if (quote) {
        if (c === "\\" && quote === '"') j++;
        else if (c === quote) quote = null;
      } else if (c === '"' || c === "`") quote = c;
      else if (c === "}" && src[j + 1] === "}") break;
    }
    if (j >= src.length) throw parseError(`unclosed action starting at offset ${open}`);
    let body = src.slice(start, j);
    i = j + 2;
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      const m = /^\s*/.exec(src.slice(i))!;
      i += m[0].length;
    }
    out.push({ action: body.trim() });
  }
  return out;
}

function tokenize(s: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === "\\" ? 2 : 1;
      if (j >= s.length) throw parseError(`unterminated string in ${JSON.stringify(s)}`);
      tokens.push(s.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if (c === "`") {
      const j = s.indexOf("`", i + 1);
      if (j < 0) throw parseError(`unterminated raw string in ${JSON.stringify(s)}`);
      tokens.push(s.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    if ("()|,".includes(c)) {
      tokens.push(c);
      i++;
      continue;
    }
    if (c === ":" && s[i + 1] === "=") {
      tokens.push(":=");
      i += 2;
      continue;
    }
    if (c === "=") {
      tokens.push("=");
      i++;
      continue;
    }
    let j = i;
    while (j < s.length && !/[\s()|,]/.test(s[j]!) && !(s[j] === ":" && s[j + 1] === "=")) j++;
    // a field chain after ')' like ).Foo is its own token
    tokens.push(s.slice(i, j));
    i = j;
  }
  return tokens;
}

class PipeParser {
  private i = 0;
  constructor(private readonly tokens: string[]) {}

  parsePipe(allowDecl: boolean): Pipe {
    const pipe: Pipe = { commands: [] };
    if (allowDecl) {
      // $v := …  or  $i, $v := …
      const t = this.tokens;
      if (t[this.i]?.startsWith("$") && (t[this.i + 1] === ":=" || t[this.i + 1] === "=")) {
        pipe.decl = [t[this.i]!];
        this.i += 2;
      } else if (t[this.i]?.startsWith("$") && t[this.i + 1] === "," && t[this.i + 2]?.startsWith("$") && t[this.i + 3] === ":=") {
        pipe.decl = [t[this.i]!, t[this.i + 2]!];
        this.i += 4;
      }
    }
    for (;;) {
      const cmd: Command = [];
      while (this.i < this.tokens.length && this.tokens[this.i] !== "|" && this.tokens[this.i] !== ")") cmd.push(this.term());
      if (cmd.length === 0) throw parseError("missing value in pipeline");
      pipe.commands.push(cmd);
      if (this.tokens[this.i] === "|") {
        this.i++;
        continue;
      }
      return pipe;
    }
  }

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  private term(): Term {
    const tok = this.tokens[this.i++]!;
    if (tok === "(") {
      const pipe = this.parsePipe(false);
      if (this.tokens[this.i] !== ")") throw parseError("missing ')'");
      this.i++;
      let path: string[] = [];
      const next = this.tokens[this.i];
      if (next?.startsWith(".")) {
        path = next.split(".").slice(1);
        this.i++;
      }
      return { t: "sub", pipe, path };
    }
    if (tok.startsWith('"')) {
      try {
        return { t: "lit", value: JSON.parse(tok) };
      } catch {
        throw parseError(`bad string ${tok}`);
      }
    }
    if (tok.startsWith("`")) return { t: "lit", value: tok.slice(1, -1) };
    if (tok === ".") return { t: "field", base: "dot", path: [] };
    if (tok.startsWith(".")) {
      const path = tok.split(".").slice(1);
      if (path.some((p) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(p))) throw parseError(`bad field ${tok}`);
      return { t: "field", base: "dot", path };
    }
    if (tok.startsWith("$")) {
      const [name, ...path] = tok.split(".");
      return { t: "field", base: name!, path };
    }
    if (/^-?\d+(\.\d+)?$/.test(tok)) return { t: "lit", value: Number(tok) };
    if (tok === "true" || tok === "false") return { t: "lit", value: tok === "true" };
    if (tok === "nil") return { t: "lit", value: null };
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(tok)) return { t: "ident", name: tok };
    throw parseError(`unexpected ${JSON.stringify(tok)}`);
  }
}

function parsePipeText(text: string, allowDecl = false): Pipe {
  const p = new PipeParser(tokenize(text));
  const pipe = p.parsePipe(allowDecl);
  if (!p.done()) throw parseError(`unexpected text in ${JSON.stringify(text)}`);
  return pipe;
}

function parseTemplate(src: string): Node[] {
  const parts = splitActions(src);
  let pos = 0;
  const parseList = (terminators: string[]): { nodes: Node[]; end: string } => {
    const nodes: Node[] = [];
    while (pos < parts.length) {
      const part = parts[pos++]!;
      if ("text" in part) {
        nodes.push({ t: "text", text: part.text });
        continue;
      }
      const a = part.action;
      if (a.startsWith("/*")) continue;
      const word = /^(\w+)/.exec(a)?.[1] ?? "";
      if (word === "end" || word === "else") {
        if (!terminators.includes(word)) throw parseError(`unexpected {{${a}}}`);
        return { nodes, end: a };
      }
      if (word === "if") {
        const branches: { cond: Pipe; body: Node[] }[] = [];
        let cond = parsePipeText(a.slice(2));
        let otherwise: Node[] = [];
        for (;;) {
          const r = parseList(["end", "else"]);
          branches.push({ cond, body: r.nodes });
          if (r.end === "end") break;
          const rest = r.end.slice(4).trim();
          if (rest.startsWith("if ")) {
            cond = parsePipeText(rest.slice(3));
            continue;
          }
          otherwise = parseList(["end"]).nodes;
          break;
        }
        nodes.push({ t: "if", branches, otherwise });
        continue;
      }
      if (word === "range" || word === "with") {
        const pipe = parsePipeText(a.slice(word.length), word === "range");
        const r = parseList(["end", "else"]);
        const otherwise = r.end === "end" ? [] : parseList(["end"]).nodes;
        if (word === "range") nodes.push({ t: "range", pipe, vars: pipe.decl ?? [], body: r.nodes, otherwise });
        else nodes.push({ t: "with", pipe, body: r.nodes, otherwise });
        continue;
      }
      nodes.push({ t: "action", pipe: parsePipeText(a, true) });
    }
    if (terminators.length > 0) throw parseError("missing {{end}}");
    return { nodes, end: "" };
  };
  return parseList([]).nodes;
}

// ------------------------------------------------------------------ values

/** A value printed the way Go's fmt %v prints the Docker structs it came from. */
export function goString(v: Value, field?: string): string {
  if (v === MISSING || v === undefined) return "<no value>";
  if (v === null) return field && MAP_FIELDS.has(field) ? "map[]" : field && SLICE_FIELDS.has(field) ? "[]" : "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => goString(x)).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, Value>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goString(o[k])}`).join(" ")}]`;
  }
  return String(v);
}

function truthy(v: Value): boolean {
  if (v === MISSING || v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v as object).length > 0;
  return true;
}

function execError(msg: string): KilnError {
  return new KilnError("template-error", `template: ${msg}`);
}

function fieldOf(v: Value, name: string): Value {
  if (v === null || v === undefined || v === MISSING) return MISSING;
  if (typeof v !== "object" || Array.isArray(v)) throw execError(`can't evaluate field ${name} in ${Array.isArray(v) ? "a list" : `type ${typeof v}`}`);
  const o = v as Record<string, Value>;
  return Object.prototype.hasOwnProperty.call(o, name) ? o[name] : MISSING;
}

function printf(format: string, args: Value[]): string {
  let n = 0;
  return format.replace(/%([-+ #0]*\d*(?:\.\d+)?)([sdvqtf%])/g, (_m, _flags: string, verb: string) => {
    if (verb === "%") return "%";
    const a = args[n++];
    if (verb === "q") return JSON.stringify(goString(a));
    if (verb === "d") return String(Math.trunc(Number(a)));
    return goString(a);
  });
}

const FUNCS: Record<string, (...args: Value[]) => Value> = {
  json: (v) => (v === MISSING || v === undefined ? "null" : JSON.stringify(v)),
  index: (v, ...keys) => {
    let cur = v;
    for (const k of keys) {
      if (cur === null || cur === undefined || cur === MISSING) return "";
      if (Array.isArray(cur)) {
        const i = Number(k);
        if (!Number.isInteger(i) || i < 0 || i >= cur.length) throw execError(`index out of range: ${String(k)}`);
        cur = cur[i];
      } else if (typeof cur === "object") {
        const o = cur as Record<string, Value>;
        cur = Object.prototype.hasOwnProperty.call(o, String(k)) ? o[String(k)] : "";
      } else throw execError(`can't index item of type ${typeof cur}`);
    }
    return cur;
  },
  join: (v, sep) => (Array.isArray(v) ? v.map((x) => goString(x)).join(String(sep ?? "")) : v === null ? "" : goString(v)),
  len: (v) => (Array.isArray(v) ? v.length : typeof v === "string" ? [...v].length : v && typeof v === "object" ? Object.keys(v).length : 0),
  upper: (v) => goString(v).toUpperCase(),
  lower: (v) => goString(v).toLowerCase(),
  title: (v) => goString(v).replace(/\b\w/g, (c) => c.toUpperCase()),
  split: (v, sep) => goString(v).split(String(sep)),
  print: (...args) => args.map((a) => goString(a)).join(""),
  println: (...args) => `${args.map((a) => goString(a)).join(" ")}\n`,
  printf: (format, ...args) => printf(String(format), args),
  eq: (a, ...bs) => bs.some((b) => a === b),
  ne: (a, b) => a !== b,
  lt: (a, b) => (a as number) < (b as number),
  gt: (a, b) => (a as number) > (b as number),
  not: (v) => !truthy(v),
  and: (...args) => args.find((a) => !truthy(a)) ?? args[args.length - 1],
  or: (...args) => args.find((a) => truthy(a)) ?? args[args.length - 1],
  truncate: (v, n) => [...goString(v)].slice(0, Number(n)).join(""),
  pad: (v, l, r) => `${" ".repeat(Number(l))}${goString(v)}${" ".repeat(Number(r))}`,
};

interface Scope {
  dot: Value;
  vars: Map<string, Value>;
}

function evalTerm(term: Term, scope: Scope): { value: Value; field?: string } {
  switch (term.t) {
    case "lit":
      return { value: term.value };
    case "ident":
      if (!Object.hasOwn(FUNCS, term.name)) throw execError(`function ${JSON.stringify(term.name)} not defined`);
      return { value: FUNCS[term.name]!() };
    case "field": {
      let v: Value;
      if (term.base === "dot") v = scope.dot;
      else {
        if (!scope.vars.has(term.base)) throw execError(`undefined variable: ${term.base}`);
        v = scope.vars.get(term.base);
      }
      for (const p of term.path) v = fieldOf(v, p);
      return { value: v, ...(term.path.length ? { field: term.path[term.path.length - 1]! } : {}) };
    }
    case "sub": {
      let v = evalPipe(term.pipe, scope).value;
      for (const p of term.path) v = fieldOf(v, p);
      return { value: v, ...(term.path.length ? { field: term.path[term.path.length - 1]! } : {}) };
    }
  }
}

function evalPipe(pipe: Pipe, scope: Scope): { value: Value; field?: string } {
  let prev: { value: Value; field?: string } | undefined;
  for (const cmd of pipe.commands) {
    const [head, ...rest] = cmd;
    if (head!.t === "ident") {
      const fn = FUNCS[head!.name];
      if (!fn) throw execError(`function ${JSON.stringify(head!.name)} not defined`);
      const args = rest.map((t) => evalTerm(t, scope).value);
      if (prev) args.push(prev.value);
      prev = { value: fn(...args) };
    } else {
      if (rest.length > 0) throw execError("can't give an argument to a non-function");
      if (prev && cmd.length === 1 && head!.t !== "sub") throw execError("can't give an argument to a non-function");
      prev = evalTerm(head!, scope);
    }
  }
  if (pipe.decl) for (const name of pipe.decl) scope.vars.set(name, prev!.value);
  return prev!;
}

function run(nodes: Node[], scope: Scope, out: string[]): void {
  for (const node of nodes) {
    switch (node.t) {
      case "text":
        out.push(node.text);
        break;
      case "action": {
        const r = evalPipe(node.pipe, scope);
        if (!node.pipe.decl) out.push(goString(r.value, r.field));
        break;
      }
      case "if": {
        const hit = node.branches.find((b) => truthy(evalPipe(b.cond, scope).value));
        run(hit ? hit.body : node.otherwise, scope, out);
        break;
      }
      case "with": {
        const v = evalPipe(node.pipe, scope).value;
        if (truthy(v)) run(node.body, { dot: v, vars: scope.vars }, out);
        else run(node.otherwise, scope, out);
        break;
      }
      case "range": {
        const v = evalPipe({ commands: node.pipe.commands }, scope).value;
        const items: [Value, Value][] = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : v && typeof v === "object"
            ? Object.keys(v).sort().map((k) => [k, (v as Record<string, Value>)[k]])
            : [];
        if (items.length === 0) {
          run(node.otherwise, scope, out);
          break;
        }
        for (const [k, x] of items) {
          const vars = new Map(scope.vars);
          if (node.vars.length === 1) vars.set(node.vars[0]!, x);
          if (node.vars.length === 2) {
            vars.set(node.vars[0]!, k);
            vars.set(node.vars[1]!, x);
          }
          run(node.body, { dot: x, vars }, out);
        }
        break;
      }
    }
  }
}

/** A compiled template: `execute(data)` returns the text. */
export function compileTemplate(source: string): (data: Value) => string {
  const nodes = parseTemplate(source);
  return (data) => {
    const out: string[] = [];
    run(nodes, { dot: data, vars: new Map([["$", data]]) }, out);
    return out.join("");
  };
}
