/**
 * A tolerant parser for POSIX sh and the bash subset found in Dockerfiles. It never throws:
 * anything it cannot make sense of becomes a `SyntaxProblem` and parsing goes on, so lint rules
 * always get an AST. The grammar follows POSIX "Shell Command Language" (lists, and-or lists,
 * pipelines, compound commands, heredocs) with bash's `[[ ]]`, `(( ))`, `$'..'`, `function`,
 * `select`, `|&`, `&>`, here-strings, process substitution and array assignments.
 *
 * Tokenisation is done on the fly (the shell's tokens depend on where they appear); each method
 * reads from `this.i` and leaves it after what it consumed.
 */
import type {
  AndOr, AndOrOp, Assignment, Case, CaseItem, Command, CommandSubstitution, DoubleQuoted,
  FunctionDefinition, If, IfClause, List, ListItem, ParamExpansion, Pipeline,
  Redirect, RedirectOp, Script, Separator, ShellComment, SimpleCommand, SyntaxProblem, Word, WordPart,
} from "./ast.js";

export interface ParseScriptOptions {
  /**
   * Maps each offset of `text` (0..text.length) to the offset reported in the AST. Used for
   * backtick bodies, whose text is unescaped; rarely needed by callers.
   */
  readonly offsets?: ArrayLike<number>;
}

/**
 * The pipelines of two or more commands the parser made for a script, in no particular order,
 * kept on the script (a symbol: not part of the AST's JSON). `pipelines()` answers from it when
 * there are none or one (nearly every script), without walking the tree.
 */
export const PARSED_PIPELINES: unique symbol = Symbol("kiln.parsedPipelines");

/** Parses a shell script. Never throws. */
export function parseScript(text: string, options: ParseScriptOptions = {}): Script {
  const p = new Parser(text, options.offsets ?? null);
  const body = p.parseTop();
  const script: Script & { [PARSED_PIPELINES]: readonly Pipeline[] } = {
    type: "script", text, body, comments: p.comments, problems: p.problems, [PARSED_PIPELINES]: p.pipelines,
  };
  return script;
}

const BLANK = new Set([" ", "\t", "\r"]);
const META = new Set([" ", "\t", "\r", "\n", ";", "&", "|", "(", ")", "<", ">"]);
const STOP_WORDS = new Set(["then", "elif", "else", "fi", "do", "done", "esac", "}"]);
const RESERVED = new Set([
  "if", "then", "elif", "else", "fi", "do", "done", "case", "esac", "while", "until", "for", "in",
  "{", "}", "!", "[[", "]]", "function", "select", "time",
]);
const SPECIAL_PARAMS = "@*#?-$!0";
const NO_ASSIGNMENTS: readonly Assignment[] = Object.freeze([]);
const NO_REDIRECTS: readonly Redirect[] = Object.freeze([]);
const NO_AND_OR_OPS: readonly AndOrOp[] = Object.freeze([]);
const NO_PIPE_OPS: readonly ("|" | "|&")[] = Object.freeze([]);

/** 1 at the char codes a reserved word starts with. */
const RESERVED_FIRST = new Uint8Array(128);
for (const w of RESERVED) RESERVED_FIRST[w.charCodeAt(0)] = 1;

/** Character classes by char code (ASCII only; everything else is 0). */
const C_BLANK = 1; // space, tab, CR
const C_META = 2; // ends a word: blanks, newline, ; & | ( ) < >
const C_WORD_SPECIAL = 4; // starts a quote, escape or expansion: ' " \ $ `
const CHAR_CLASS = new Uint8Array(128);
for (const c of " \t\r") CHAR_CLASS[c.charCodeAt(0)]! |= C_BLANK;
for (const c of META) CHAR_CLASS[c.charCodeAt(0)]! |= C_META;
for (const c of "'\"\\$`") CHAR_CLASS[c.charCodeAt(0)]! |= C_WORD_SPECIAL;

/** `[A-Za-z0-9_]` (NaN past the end: false). */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function charClass(code: number): number {
  return code < 128 ? CHAR_CLASS[code]! : 0;
}
const REDIRECT = /(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})?(&>>|&>|<<<|<<-|<<|<>|<&|>>|>&|>\||<|>)/y;
const ASSIGNMENT = /([A-Za-z_][A-Za-z0-9_]*)(\[[^\]\n]*\])?(\+?)=/y;
const PARAM_OP = /(:-|:=|:\?|:\+|-|=|\?|\+|##|#|%%|%|\/\/|\/#|\/%|\/|\^\^|\^|,,|,|:|@)/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

interface PendingHeredoc {
  readonly redirect: Redirect;
  /** Index of the `<<` operator in this parser's text. */
  readonly at: number;
  readonly delimiter: string;
  readonly quoted: boolean;
  readonly stripTabs: boolean;
}

type EndTest = (i: number) => boolean;

/**
 * The usual end of a word (a metacharacter or the end of the text), as a marker: readWord and
 * readParts test `isDelimiter` for it. A closure per parser (one per script) was made before.
 */
const NORMAL_END: EndTest = () => {
  throw new Error("NORMAL_END is a marker, not called");
};

class Parser {
  i = 0;
  readonly n: number;
  readonly problems: SyntaxProblem[] = [];
  readonly comments: ShellComment[] = [];
  /** Pipelines of two or more commands, as made. */
  readonly pipelines: Pipeline[] = [];
  private pending: PendingHeredoc[] = [];

  constructor(
    readonly text: string,
    private readonly offsets: ArrayLike<number> | null,
  ) {
    this.n = text.length;
  }

  // ---- positions and problems -------------------------------------------------------------

  pos(i: number): number {
    if (this.offsets === null) return i;
    const k = Math.max(0, Math.min(i, this.offsets.length - 1));
    return this.offsets[k]!;
  }

  /** The mapped offset just past the character before `i` (span ends). */
  posEnd(i: number): number {
    if (this.offsets === null || i <= 0) return this.pos(i);
    return this.pos(i - 1) + 1;
  }

  problem(message: string, start: number, end = start): void {
    this.problems.push({ message, start: this.pos(start), end: end > start ? this.posEnd(end) : this.pos(start) });
  }

  private at(s: string): boolean {
    return this.text.startsWith(s, this.i);
  }

  private isDelimiter(k: number): boolean {
    return k >= this.n || (charClass(this.text.charCodeAt(k)) & C_META) !== 0;
  }

  // ---- blanks, comments, newlines ----------------------------------------------------------

  /** Skips blanks, line continuations and a comment (which ends before the newline). */
  skipBlanks(): void {
    const t = this.text;
    while (this.i < this.n) {
      const c = t.charCodeAt(this.i);
      if (c < 128 && (CHAR_CLASS[c]! & C_BLANK) !== 0) this.i++;
      else if (c === 92 /* \\ */ && t.charCodeAt(this.i + 1) === 10) this.i += 2;
      else if (c === 35 /* # */) {
        const start = this.i;
        let end = t.indexOf("\n", start);
        if (end < 0) end = this.n;
        this.comments.push({ start: this.pos(start), end: this.posEnd(end), text: t.slice(start + 1, end) });
        this.i = end;
      } else break;
    }
  }

  /** Skips blanks and line continuations only (no comments): for look-ahead. */
  private skipSpaces(): void {
    const t = this.text;
    while (this.i < this.n) {
      const c = t.charCodeAt(this.i);
      if (c < 128 && (CHAR_CLASS[c]! & C_BLANK) !== 0) this.i++;
      else if (c === 92 && t.charCodeAt(this.i + 1) === 10) this.i += 2;
      else break;
    }
  }

  /** Skips blanks, comments and newlines, reading heredoc bodies after each newline. */
  skipLinebreaks(): void {
    for (;;) {
      this.skipBlanks();
      if (this.text[this.i] !== "\n") return;
      this.i++;
      this.readHeredocBodies();
    }
  }

  private readHeredocBodies(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    const t = this.text;
    for (const h of pending) {
      const start = this.i;
      let content = "";
      let terminated = false;
      let end = this.n;
      while (this.i < this.n) {
        let eol = t.indexOf("\n", this.i);
        if (eol < 0) eol = this.n;
        let line = t.slice(this.i, eol);
        if (h.stripTabs) line = line.replace(/^\t+/, "");
        if (line === h.delimiter || line === h.delimiter + "\r") {
          terminated = true;
          end = this.i;
          this.i = Math.min(eol + 1, this.n);
          break;
        }
        content += line + "\n";
        this.i = Math.min(eol + 1, this.n);
        end = this.i;
      }
      if (!terminated) this.problem(`here-document delimited by end of script (wanted "${h.delimiter}")`, h.at, h.at + 2);
      h.redirect.heredoc = {
        delimiter: h.delimiter, quoted: h.quoted, stripTabs: h.stripTabs, content, terminated,
        start: this.pos(start), end: this.posEnd(end),
      };
    }
  }

  // ---- lists --------------------------------------------------------------------------------

  parseTop(): List {
    const start = this.i;
    const items: ListItem[] = [];
    for (;;) {
      for (const item of this.parseCompoundList().items) items.push(item);
      this.skipLinebreaks();
      if (this.i >= this.n) break;
      this.unexpected();
    }
    if (this.pending.length > 0) {
      // A heredoc whose body never came (no newline after the command).
      for (const h of this.pending) {
        this.problem(`here-document "${h.delimiter}" has no body`, h.at, h.at + 2);
        h.redirect.heredoc = {
          delimiter: h.delimiter, quoted: h.quoted, stripTabs: h.stripTabs, content: "", terminated: false,
          start: this.pos(this.n), end: this.posEnd(this.n),
        };
      }
      this.pending = [];
    }
    return this.list(items, start);
  }

  private list(items: ListItem[], start: number): List {
    const first = items[0];
    const last = items.length > 0 ? items[items.length - 1] : undefined; // no slow items[-1]
    return {
      type: "list",
      items,
      start: first ? first.command.start : this.pos(start),
      end: last ? last.command.end : this.pos(start),
    };
  }

  /** Reports and skips one token that cannot start a command here. */
  private unexpected(): void {
    const start = this.i;
    const t = this.text;
    let len = 1;
    for (const op of [";;&", ";;", ";&", "&&", "||", "|&"]) {
      if (t.startsWith(op, start)) {
        len = op.length;
        break;
      }
    }
    const word = this.peekReserved();
    if (word !== null) len = word.length;
    this.i = start + len;
    this.problem(`syntax error near unexpected token '${t.slice(start, start + len)}'`, start, start + len);
  }

  private atStop(): boolean {
    if (this.i >= this.n) return true;
    const t = this.text;
    const c = t.charCodeAt(this.i);
    if (c === 41 /* ) */) return true;
    if (c === 59 /* ; */ && (t.charCodeAt(this.i + 1) === 59 || t.charCodeAt(this.i + 1) === 38 /* & */)) return true;
    const w = this.peekReserved();
    return w !== null && STOP_WORDS.has(w);
  }

  /** A compound list: and-or lists separated by `;`, `&` or newlines, up to a stop token. */
  parseCompoundList(): List {
    this.skipLinebreaks();
    const start = this.i;
    const items: ListItem[] = [];
    for (;;) {
      this.skipLinebreaks();
      if (this.atStop()) break;
      const before = this.i;
      const command = this.parseAndOr();
      if (command === null) {
        if (this.i === before) this.unexpected();
        continue;
      }
      this.skipBlanks();
      // Char codes: `at()` was two startsWith calls per list item.
      const c = this.text.charCodeAt(this.i);
      const c1 = this.text.charCodeAt(this.i + 1);
      let separator: Separator | null = null;
      if (c === 59 /* ; */ && c1 !== 59 && c1 !== 38 /* & */) separator = ";";
      else if (c === 38 /* & */ && c1 !== 38) separator = "&";
      else if (c === 10) separator = "\n";
      items.push({ command, separator });
      if (separator === null) break;
      this.i++;
      if (separator === "\n") this.readHeredocBodies();
    }
    return this.list(items, start);
  }

  private parseAndOr(): AndOr | null {
    const first = this.parsePipeline();
    if (first === null) return null;
    const pipelines = [first];
    let ops: AndOrOp[] | undefined; // most and-or lists are one pipeline
    for (;;) {
      this.skipBlanks();
      const c = this.text.charCodeAt(this.i);
      const op = c === 38 /* & */ && this.text.charCodeAt(this.i + 1) === 38 ? "&&" : c === 124 /* | */ && this.text.charCodeAt(this.i + 1) === 124 ? "||" : null;
      if (op === null) break;
      const opAt = this.i;
      this.i += 2;
      this.skipLinebreaks();
      const next = this.parsePipeline();
      if (next === null) {
        this.problem(`expected a command after '${op}'`, opAt, opAt + 2);
        break;
      }
      (ops ??= []).push(op);
      pipelines.push(next);
    }
    return { type: "and-or", pipelines, ops: ops ?? NO_AND_OR_OPS, start: first.start, end: pipelines[pipelines.length - 1]!.end };
  }

  private parsePipeline(): Pipeline | null {
    this.skipBlanks();
    const start = this.i;
    let timed = false;
    let negated = false;
    if (this.peekReserved() === "time") {
      timed = true;
      this.i += 4;
      this.skipBlanks();
      if (this.at("-p") && this.isDelimiter(this.i + 2)) {
        this.i += 2;
        this.skipBlanks();
      }
    }
    while (this.peekReserved() === "!") {
      negated = !negated;
      this.i++;
      this.skipBlanks();
    }
    const first = this.parseCommand();
    if (first === null) {
      if (timed || negated) {
        return { type: "pipeline", negated, timed, commands: [], ops: [], start: this.pos(start), end: this.posEnd(this.i) };
      }
      return null;
    }
    const commands: Command[] = [first];
    let ops: ("|" | "|&")[] | undefined; // most pipelines are one command
    for (;;) {
      this.skipBlanks();
      if (this.text.charCodeAt(this.i) !== 124 /* | */) break;
      const c1 = this.text.charCodeAt(this.i + 1);
      if (c1 === 124) break; // `||`
      const op = c1 === 38 /* & */ ? "|&" : "|";
      const opAt = this.i;
      this.i += op.length;
      this.skipLinebreaks();
      const next = this.parseCommand();
      if (next === null) {
        this.problem(`expected a command after '${op}'`, opAt, opAt + op.length);
        break;
      }
      (ops ??= []).push(op);
      commands.push(next);
    }
    const pipeline: Pipeline = {
      type: "pipeline", negated, timed, commands, ops: ops ?? NO_PIPE_OPS,
      start: timed || negated ? this.pos(start) : first.start,
      end: commands[commands.length - 1]!.end,
    };
    if (commands.length > 1) this.pipelines.push(pipeline);
    return pipeline;
  }

  // ---- commands -----------------------------------------------------------------------------

  /** The reserved word at the current position (after blanks), if any; does not consume it. */
  peekReserved(): string | null {
    this.skipBlanks();
    // Asked again and again at the same place: remember the last answer.
    if (this.peekAt === this.i) return this.peekWord;
    const t = this.text;
    const from = this.i;
    let w: string | null = null;
    // Only words starting with a reserved word's first character are sliced and looked up (most
    // command names are not: no substring and no hash per command).
    const c0 = t.charCodeAt(from);
    if (c0 < 128 && RESERVED_FIRST[c0] === 1) {
      let j = from;
      // No reserved word is longer than 8 characters.
      while (j < this.n && j - from <= 8 && (charClass(t.charCodeAt(j)) & (C_META | C_WORD_SPECIAL)) === 0) j++;
      if (j > from && j - from <= 8 && this.isDelimiter(j)) {
        const s = t.slice(from, j);
        if (RESERVED.has(s)) w = s;
      }
    }
    this.peekAt = from;
    this.peekWord = w;
    return w;
  }

  private peekAt = -1;
  private peekWord: string | null = null;

  private expect(word: string, construct: string, openAt: number): boolean {
    this.skipLinebreaks();
    if (this.peekReserved() === word) {
      this.i += word.length;
      return true;
    }
    this.problem(`expected '${word}' to close '${construct}'`, this.i >= this.n ? openAt : this.i, this.i >= this.n ? openAt + construct.length : this.i);
    return false;
  }

  private parseCommand(): Command | null {
    this.skipBlanks();
    if (this.i >= this.n) return null;
    const start = this.i;
    const t = this.text;
    const c = t[this.i]!;
    if (c === "(") {
      if (t[this.i + 1] === "(") {
        const close = this.scanArithmetic(this.i + 2);
        if (close >= 0) {
          const expression = t.slice(this.i + 2, close);
          this.i = close + 2;
          return { type: "arithmetic-command", expression, ...this.withRedirects(start) };
        }
      }
      this.i++;
      const body = this.parseCompoundList();
      this.skipLinebreaks();
      if (t[this.i] === ")") this.i++;
      else this.problem("expected ')' to close '('", start, start + 1);
      return { type: "subshell", body, ...this.withRedirects(start) };
    }
    const word = this.peekReserved();
    if (word === null) return this.parseSimple(); // most commands
    switch (word) {
      case "if":
        return this.parseIf();
      case "for":
      case "select":
        return this.parseFor(word);
      case "while":
      case "until":
        return this.parseWhile(word);
      case "case":
        return this.parseCase();
      case "{": {
        this.i++;
        const body = this.parseCompoundList();
        this.expect("}", "{", start);
        return { type: "group", body, ...this.withRedirects(start) };
      }
      case "[[":
        return this.parseTest();
      case "function":
        return this.parseFunctionKeyword();
      case null:
        break;
      default:
        if (STOP_WORDS.has(word)) return null;
    }
    return this.parseSimple();
  }

  /** Reads redirections after a compound command and returns the span and the redirects. */
  private withRedirects(start: number): { redirects: Redirect[]; start: number; end: number } {
    let end = this.i;
    const redirects: Redirect[] = [];
    for (;;) {
      const save = this.i;
      this.skipSpaces();
      const r = this.tryRedirect();
      if (r === null) {
        this.i = save;
        break;
      }
      redirects.push(r);
      end = this.i;
    }
    return { redirects, start: this.pos(start), end: this.posEnd(end) };
  }

  private parseIf(): If {
    const start = this.i;
    this.i += 2;
    const clauses: IfClause[] = [];
    const condition = this.parseCompoundList();
    this.expect("then", "if", start);
    clauses.push({ condition, body: this.parseCompoundList() });
    let elseBody: List | null = null;
    for (;;) {
      this.skipLinebreaks();
      const w = this.peekReserved();
      if (w === "elif") {
        const at = this.i;
        this.i += 4;
        const cond = this.parseCompoundList();
        this.expect("then", "elif", at);
        clauses.push({ condition: cond, body: this.parseCompoundList() });
        continue;
      }
      if (w === "else") {
        this.i += 4;
        elseBody = this.parseCompoundList();
      }
      break;
    }
    this.expect("fi", "if", start);
    return { type: "if", clauses, elseBody, ...this.withRedirects(start) };
  }

  private parseFor(keyword: "for" | "select"): Command {
    const start = this.i;
    const t = this.text;
    this.i += keyword.length;
    this.skipBlanks();
    if (keyword === "for" && this.at("((")) {
      const close = this.scanArithmetic(this.i + 2);
      let expression: string;
      if (close >= 0) {
        expression = t.slice(this.i + 2, close);
        this.i = close + 2;
      } else {
        this.problem("expected '))' to close 'for (('", this.i, this.i + 2);
        expression = t.slice(this.i + 2);
        this.i = this.n;
      }
      this.skipBlanks();
      if (t[this.i] === ";") this.i++;
      this.expect("do", "for", start);
      const body = this.parseCompoundList();
      this.expect("done", "for", start);
      return { type: "arithmetic-for", expression, body, ...this.withRedirects(start) };
    }
    const nameWord = this.readWord(NORMAL_END);
    if (nameWord === null) this.problem(`expected a variable name after '${keyword}'`, start, start + keyword.length);
    const variable = nameWord?.value ?? nameWord?.raw ?? "";
    this.skipLinebreaks();
    let items: Word[] | null = null;
    if (this.peekReserved() === "in") {
      this.i += 2;
      items = [];
      for (;;) {
        this.skipBlanks();
        const w = this.readWord(NORMAL_END);
        if (w === null) break;
        items.push(w);
      }
    }
    this.skipBlanks();
    if (t[this.i] === ";" && !this.at(";;")) this.i++;
    this.expect("do", keyword, start);
    const body = this.parseCompoundList();
    this.expect("done", keyword, start);
    return { type: "for", keyword, variable, items, body, ...this.withRedirects(start) };
  }

  private parseWhile(keyword: "while" | "until"): Command {
    const start = this.i;
    this.i += keyword.length;
    const condition = this.parseCompoundList();
    this.expect("do", keyword, start);
    const body = this.parseCompoundList();
    this.expect("done", keyword, start);
    return { type: "while", until: keyword === "until", condition, body, ...this.withRedirects(start) };
  }

  private parseCase(): Case {
    const start = this.i;
    const t = this.text;
    this.i += 4;
    this.skipBlanks();
    const word = this.readWord(NORMAL_END);
    if (word === null) this.problem("expected a word after 'case'", start, start + 4);
    this.skipLinebreaks();
    if (this.peekReserved() === "in") this.i += 2;
    else this.problem("expected 'in' after 'case WORD'", start, start + 4);
    const items: CaseItem[] = [];
    for (;;) {
      this.skipLinebreaks();
      if (this.i >= this.n) {
        this.problem("expected 'esac' to close 'case'", start, start + 4);
        break;
      }
      if (this.peekReserved() === "esac") {
        this.i += 4;
        break;
      }
      const itemStart = this.i;
      if (t[this.i] === "(") this.i++;
      const patterns: Word[] = [];
      for (;;) {
        this.skipBlanks();
        const w = this.readWord(this.patternEnd);
        if (w !== null) patterns.push(w);
        this.skipBlanks();
        if (t[this.i] === "|") {
          this.i++;
          continue;
        }
        break;
      }
      if (t[this.i] === ")") this.i++;
      else this.problem("expected ')' after a case pattern", this.i);
      const body = this.parseCompoundList();
      this.skipLinebreaks();
      let terminator: CaseItem["terminator"] = null;
      for (const op of [";;&", ";;", ";&"] as const) {
        if (this.at(op)) {
          terminator = op;
          this.i += op.length;
          break;
        }
      }
      items.push({ patterns, body, terminator, start: this.pos(itemStart), end: this.posEnd(this.i) });
      if (this.i === itemStart) this.unexpected();
      if (terminator === null) {
        this.skipLinebreaks();
        if (this.i < this.n && this.peekReserved() !== "esac") {
          this.problem("expected ';;' or 'esac' after a case item", this.i);
          if (this.i < this.n && this.text[this.i] === ")") this.i++;
        }
      }
    }
    return { type: "case", word, items, ...this.withRedirects(start) };
  }

  private parseTest(): Command {
    const start = this.i;
    const t = this.text;
    this.i += 2;
    const words: Word[] = [];
    let closed = false;
    for (;;) {
      this.skipLinebreaks();
      if (this.i >= this.n) break;
      if (this.at("]]") && this.isDelimiter(this.i + 2)) {
        this.i += 2;
        closed = true;
        break;
      }
      const opLen = this.at("&&") || this.at("||") ? 2 : "()<>".includes(t[this.i]!) ? 1 : 0;
      if (opLen > 0) {
        words.push(this.literalWord(this.i, this.i + opLen));
        this.i += opLen;
        continue;
      }
      const regex = words.length > 0 && words[words.length - 1]!.value === "=~";
      let depth = 0;
      const end: EndTest = regex
        ? (k) => {
            const c = t[k];
            if (c === undefined || c === "\n") return true;
            if (c === "(") depth++;
            else if (c === ")") {
              if (depth === 0) return true;
              depth--;
            }
            return depth === 0 && BLANK.has(c);
          }
        : (k) => {
            const c = t[k];
            return c === undefined || BLANK.has(c) || c === "\n" || c === ";" || c === ")" || c === "<" || c === ">" ||
              t.startsWith("&&", k) || t.startsWith("||", k);
          };
      const w = this.readWord(end);
      if (w === null) {
        this.i++;
        continue;
      }
      words.push(w);
    }
    if (!closed) this.problem("expected ']]' to close '[['", start, start + 2);
    return { type: "test", words, ...this.withRedirects(start) };
  }

  private literalWord(start: number, end: number): Word {
    const raw = this.text.slice(start, end);
    return {
      type: "word", raw, value: raw, start: this.pos(start), end: this.posEnd(end),
      parts: [{ type: "literal", value: raw, start: this.pos(start), end: this.posEnd(end) }],
    };
  }

  private parseFunctionKeyword(): FunctionDefinition {
    const start = this.i;
    this.i += "function".length;
    this.skipBlanks();
    const name = this.readWord(NORMAL_END);
    if (name === null) this.problem("expected a function name", start, start + 8);
    this.skipBlanks();
    if (this.text[this.i] === "(") {
      const j = this.skipBlankFrom(this.i + 1);
      if (this.text[j] === ")") this.i = j + 1;
    }
    return this.functionBody(start, name?.value ?? name?.raw ?? "");
  }

  private skipBlankFrom(k: number): number {
    while (k < this.n && BLANK.has(this.text[k]!)) k++;
    return k;
  }

  private functionBody(start: number, name: string): FunctionDefinition {
    this.skipLinebreaks();
    const body = this.parseCommand();
    if (body === null) {
      this.problem(`expected a body for function '${name}'`, start, this.i);
      const empty: SimpleCommand = { type: "simple", assignments: [], words: [], redirects: [], start: this.pos(this.i), end: this.posEnd(this.i) };
      return { type: "function", name, body: empty, redirects: [], start: this.pos(start), end: this.posEnd(this.i) };
    }
    return { type: "function", name, body, redirects: [], start: this.pos(start), end: body.end };
  }

  private parseSimple(): Command | null {
    const start = this.i;
    const t = this.text;
    // Most commands have no assignment and no redirect: those lists are made when needed, and
    // an empty one is a shared frozen array.
    let assignments: Assignment[] | undefined;
    const words: Word[] = [];
    let redirects: Redirect[] | undefined;
    let end = this.i;
    for (;;) {
      this.skipBlanks();
      if (this.i >= this.n) break;
      const c = t[this.i]!;
      if (c === "\n" || c === ";" || c === ")" || c === "|") break;
      if (c === "&" && !this.at("&>")) break;
      const r = this.tryRedirect();
      if (r !== null) {
        (redirects ??= []).push(r);
        end = this.i;
        continue;
      }
      if (c === "(") {
        if (words.length === 1 && assignments === undefined && redirects === undefined) {
          const j = this.skipBlankFrom(this.i + 1);
          const name = words[0]!.value;
          if (t[j] === ")" && name !== null) {
            this.i = j + 1;
            return this.functionBody(start, name);
          }
        }
        this.problem("syntax error near unexpected token '('", this.i, this.i + 1);
        this.i++;
        end = this.i;
        continue;
      }
      if (words.length === 0) {
        const a = this.tryAssignment();
        if (a !== null) {
          (assignments ??= []).push(a);
          end = this.i;
          continue;
        }
      }
      const w = this.readWord(NORMAL_END);
      if (w === null) {
        this.problem(`syntax error near unexpected token '${c}'`, this.i, this.i + 1);
        this.i++;
        end = this.i;
        continue;
      }
      words.push(w);
      end = this.i;
    }
    if (assignments === undefined && words.length === 0 && redirects === undefined) return null;
    return {
      type: "simple", assignments: assignments ?? NO_ASSIGNMENTS, words, redirects: redirects ?? NO_REDIRECTS, start: this.pos(start), end: this.posEnd(end),
    };
  }

  private tryAssignment(): Assignment | null {
    // Most command words are not assignments: they need a name then `=`, `+=` or `[`, checked
    // here before the regex runs.
    const t = this.text;
    let j = this.i;
    if (!isNameChar(t.charCodeAt(j)) || (t.charCodeAt(j) >= 48 && t.charCodeAt(j) <= 57)) return null;
    while (isNameChar(t.charCodeAt(j))) j++;
    const next = t.charCodeAt(j);
    if (next !== 61 /* = */ && next !== 43 /* + */ && next !== 91 /* [ */) return null;
    ASSIGNMENT.lastIndex = this.i;
    const m = ASSIGNMENT.exec(this.text);
    if (m === null) return null;
    const start = this.i;
    this.i += m[0].length;
    const name = m[1]!;
    const append = m[3] === "+";
    const subscript = m[2] ? m[2].slice(1, -1) : null;
    if (this.text[this.i] === "(") {
      this.i++;
      const array: Word[] = [];
      for (;;) {
        this.skipLinebreaks();
        if (this.i >= this.n) {
          this.problem("expected ')' to close an array assignment", start, this.i);
          break;
        }
        if (this.text[this.i] === ")") {
          this.i++;
          break;
        }
        const w = this.readWord(NORMAL_END);
        if (w === null) {
          this.i++;
          continue;
        }
        array.push(w);
      }
      return { type: "assignment", name, append, subscript, value: null, array, start: this.pos(start), end: this.posEnd(this.i) };
    }
    const valueStart = this.i;
    const value = this.readWord(NORMAL_END) ?? this.emptyWord(valueStart);
    // A literal, not `{ ...base, value }`: object spread here was 3% of lint time.
    return { type: "assignment", name, append, subscript, value, array: null, start: this.pos(start), end: this.posEnd(this.i) };
  }

  private emptyWord(at: number): Word {
    return { type: "word", raw: "", value: "", parts: [], start: this.pos(at), end: this.posEnd(at) };
  }

  private tryRedirect(): Redirect | null {
    // A redirect starts with a digit, `{`, `&`, `<` or `>`: skip the regex for other words (most).
    const c0 = this.text.charCodeAt(this.i);
    if (!((c0 >= 48 && c0 <= 57) || c0 === 123 || c0 === 38 || c0 === 60 || c0 === 62)) return null;
    REDIRECT.lastIndex = this.i;
    const m = REDIRECT.exec(this.text);
    if (m === null) return null;
    const prefix = m[1];
    const op = m[2] as RedirectOp;
    if (prefix !== undefined && op.startsWith("&")) return null;
    if ((op === "<" || op === ">") && prefix === undefined && this.text[this.i + 1] === "(") return null;
    const start = this.i;
    this.i += m[0].length;
    this.skipBlanks();
    const target = this.readWord(NORMAL_END);
    if (target === null) this.problem(`expected a word after '${op}'`, start, start + m[0].length);
    const fd = prefix !== undefined && /^\d+$/.test(prefix) ? Number(prefix) : null;
    const fdVariable = prefix !== undefined && prefix.startsWith("{") ? prefix.slice(1, -1) : null;
    const redirect: Redirect = {
      type: "redirect", op, fd, fdVariable, target, heredoc: null, start: this.pos(start), end: this.posEnd(this.i),
    };
    if ((op === "<<" || op === "<<-") && target !== null) {
      this.pending.push({
        redirect,
        at: start,
        delimiter: delimiterOf(target),
        quoted: /['"\\]/.test(target.raw),
        stripTabs: op === "<<-",
      });
    }
    return redirect;
  }

  // ---- words --------------------------------------------------------------------------------

  /** Where a case pattern ends (made on first use: few scripts have a case). */
  private patternEndTest: EndTest | undefined;
  private get patternEnd(): EndTest {
    return (this.patternEndTest ??= (k) => {
      const c = this.text[k];
      return c === undefined || c === " " || c === "\t" || c === "\n" || c === "|" || c === ")" || c === ";";
    });
  }

  /** Reads one word ending where `end` says (outside quotes and expansions); null if empty. */
  readWord(end: EndTest): Word | null {
    const start = this.i;
    const c0 = this.text.charCodeAt(start);
    // Process substitution is a word of its own.
    if ((c0 === 60 /* < */ || c0 === 62 /* > */) && this.text.charCodeAt(start + 1) === 40 /* ( */ && end === NORMAL_END) {
      const direction = this.text[this.i] as "<" | ">";
      this.i += 2;
      const body = this.parseCompoundList();
      this.skipLinebreaks();
      if (this.text[this.i] === ")") this.i++;
      else this.problem(`expected ')' to close '${direction}('`, start, start + 2);
      const part: WordPart = { type: "process", direction, body, start: this.pos(start), end: this.posEnd(this.i) };
      return { type: "word", raw: this.text.slice(start, this.i), parts: [part], value: null, start: part.start, end: part.end };
    }
    if (end === NORMAL_END) {
      // Most words are plain (`apt-get`, `-y`, `/tmp`): one literal, no quotes or expansions.
      const t = this.text;
      const n = this.n;
      let j = start;
      while (j < n) {
        const c = t.charCodeAt(j);
        if (c < 128 && (CHAR_CLASS[c]! & (C_META | C_WORD_SPECIAL)) !== 0) break;
        j++;
      }
      if (j > start && (j >= n || (charClass(t.charCodeAt(j)) & C_META) !== 0)) {
        this.i = j;
        const raw = t.slice(start, j);
        const s = this.pos(start);
        const e = this.posEnd(j);
        return { type: "word", raw, parts: [{ type: "literal", value: raw, start: s, end: e }], value: raw, start: s, end: e };
      }
    }
    const parts = this.readParts(end);
    if (this.i === start) return null;
    return { type: "word", raw: this.text.slice(start, this.i), parts, value: staticValue(parts), start: this.pos(start), end: this.posEnd(this.i) };
  }

  private readParts(end: EndTest): WordPart[] {
    const t = this.text;
    const parts: WordPart[] = [];
    // The literal being gathered (no closures: this runs for every word).
    let litStart = -1;
    let lit = "";
    while (this.i < this.n && !(end === NORMAL_END ? this.isDelimiter(this.i) : end(this.i))) {
      const code = t.charCodeAt(this.i);
      if (code === 92 /* \\ */) {
        if (litStart < 0) litStart = this.i;
        const next = t[this.i + 1];
        if (next === "\n") this.i += 2;
        else if (next === undefined) {
          lit += "\\";
          this.i += 1;
        } else {
          lit += next;
          this.i += 2;
        }
      } else if (code === 39 /* ' */ || code === 34 /* " */ || code === 96 /* ` */) {
        if (litStart >= 0) {
          parts.push({ type: "literal", value: lit, start: this.pos(litStart), end: this.posEnd(this.i) });
          litStart = -1;
          lit = "";
        }
        parts.push(code === 39 ? this.readSingle() : code === 34 ? this.readDouble(this.i, this.i + 1) : this.readBacktick(false));
      } else if (code === 36 /* $ */) {
        const save = this.i;
        const lead = litStart;
        const leadValue = lit;
        if (litStart >= 0) {
          parts.push({ type: "literal", value: lit, start: this.pos(litStart), end: this.posEnd(this.i) });
          litStart = -1;
          lit = "";
        }
        const d = this.readDollar(false);
        if (d === null) {
          // A literal `$`: glue it back onto the literal before it.
          if (lead >= 0) {
            parts.pop();
            litStart = lead;
            lit = leadValue;
          }
          if (litStart < 0) litStart = save;
          lit += "$";
          this.i = save + 1;
        } else parts.push(d);
      } else {
        // A run of ordinary characters, added at once.
        let j = this.i + 1;
        if (end === NORMAL_END) {
          while (j < this.n && (charClass(t.charCodeAt(j)) & (C_META | C_WORD_SPECIAL)) === 0) j++;
        } else {
          while (j < this.n && !end(j) && (charClass(t.charCodeAt(j)) & C_WORD_SPECIAL) === 0) j++;
        }
        if (litStart < 0) litStart = this.i;
        lit += j === this.i + 1 ? t[this.i]! : t.slice(this.i, j);
        this.i = j;
      }
    }
    if (litStart >= 0) parts.push({ type: "literal", value: lit, start: this.pos(litStart), end: this.posEnd(this.i) });
    return parts;
  }

  private readSingle(): WordPart {
    const start = this.i;
    const close = this.text.indexOf("'", start + 1);
    if (close < 0) {
      this.problem("unterminated single quote", start, start + 1);
      this.i = this.n;
      return { type: "single", value: this.text.slice(start + 1), start: this.pos(start), end: this.posEnd(this.n) };
    }
    this.i = close + 1;
    return { type: "single", value: this.text.slice(start + 1, close), start: this.pos(start), end: this.posEnd(this.i) };
  }

  /** `"..."` from `start` (the `$` of `$"` or the quote); the content begins at `from`. */
  private readDouble(start: number, from: number): DoubleQuoted {
    const t = this.text;
    this.i = from;
    const parts: WordPart[] = [];
    let litStart = -1;
    let lit = "";
    while (this.i < this.n) {
      const code = t.charCodeAt(this.i);
      if (code === 34 /* " */) break;
      if (code === 92 /* \\ */) {
        if (litStart < 0) litStart = this.i;
        const next = t[this.i + 1];
        if (next === "\n") this.i += 2;
        else if (next !== undefined && '$`"\\'.includes(next)) {
          lit += next;
          this.i += 2;
        } else {
          lit += "\\";
          this.i += 1;
        }
      } else if (code === 36 /* $ */ || code === 96 /* ` */) {
        const save = this.i;
        if (litStart >= 0) {
          parts.push({ type: "literal", value: lit, start: this.pos(litStart), end: this.posEnd(this.i) });
          litStart = -1;
          lit = "";
        }
        if (code === 96) parts.push(this.readBacktick(true));
        else {
          const d = this.readDollar(true);
          if (d === null) {
            litStart = save;
            lit = "$";
            this.i = save + 1;
          } else parts.push(d);
        }
      } else {
        // A run of characters with no meaning inside double quotes.
        let j = this.i + 1;
        for (;;) {
          if (j >= this.n) break;
          const k = t.charCodeAt(j);
          if (k === 34 || k === 92 || k === 36 || k === 96) break;
          j++;
        }
        if (litStart < 0) litStart = this.i;
        lit += j === this.i + 1 ? t[this.i]! : t.slice(this.i, j);
        this.i = j;
      }
    }
    if (litStart >= 0) parts.push({ type: "literal", value: lit, start: this.pos(litStart), end: this.posEnd(this.i) });
    if (this.i >= this.n) this.problem("unterminated double quote", start, start + 1);
    else this.i++;
    return { type: "double", parts, start: this.pos(start), end: this.posEnd(this.i) };
  }

  /** At a `$`: an expansion or quoted string, or null for a literal `$` (nothing consumed). */
  private readDollar(inDouble: boolean): WordPart | null {
    const t = this.text;
    const start = this.i;
    const next = t[this.i + 1];
    if (next === undefined) return null;
    if (next === "'" && !inDouble) return this.readAnsi();
    if (next === '"' && !inDouble) return this.readDouble(start, start + 2);
    if (next === "{") return this.readBraced();
    if (next === "(") {
      if (t[this.i + 2] === "(") {
        const close = this.scanArithmetic(this.i + 3);
        if (close >= 0) {
          this.i = close + 2;
          return { type: "arithmetic", expression: t.slice(start + 3, close), start: this.pos(start), end: this.posEnd(this.i) };
        }
      }
      this.i += 2;
      const body = this.parseCompoundList();
      this.skipLinebreaks();
      if (t[this.i] === ")") this.i++;
      else this.problem("expected ')' to close '$('", start, start + 2);
      const sub: CommandSubstitution = { type: "command", backtick: false, body, start: this.pos(start), end: this.posEnd(this.i) };
      return sub;
    }
    if (next === "[") {
      const close = t.indexOf("]", start + 2);
      const stop = close < 0 ? this.n : close;
      if (close < 0) this.problem("expected ']' to close '$['", start, start + 2);
      this.i = Math.min(stop + 1, this.n);
      return { type: "arithmetic", expression: t.slice(start + 2, stop), start: this.pos(start), end: this.posEnd(this.i) };
    }
    let name = "";
    if (/[A-Za-z_]/.test(next)) {
      NAME.lastIndex = start + 1;
      name = NAME.exec(t)![0];
    } else if (/[0-9]/.test(next) || SPECIAL_PARAMS.includes(next)) {
      name = next;
    } else return null;
    this.i = start + 1 + name.length;
    return {
      type: "param", name, braced: false, prefix: null, subscript: null, op: null, word: null,
      start: this.pos(start), end: this.posEnd(this.i),
    };
  }

  private readAnsi(): WordPart {
    const t = this.text;
    const start = this.i;
    let j = start + 2;
    let value = "";
    while (j < this.n && t[j] !== "'") {
      if (t[j] === "\\" && j + 1 < this.n) {
        const [v, len] = ansiEscape(t, j + 1);
        value += v;
        j += 1 + len;
      } else value += t[j++];
    }
    if (j >= this.n) this.problem("unterminated $'...' quote", start, start + 2);
    this.i = Math.min(j + 1, this.n);
    return { type: "ansi", value, start: this.pos(start), end: this.posEnd(this.i) };
  }

  private readBraced(): ParamExpansion {
    const t = this.text;
    const start = this.i;
    this.i += 2;
    let prefix: ParamExpansion["prefix"] = null;
    const c0 = t[this.i];
    const c1 = t[this.i + 1];
    if ((c0 === "#" || c0 === "!") && c1 !== undefined && c1 !== "}" && !(c0 === "#" && (c1 === ":" || c1 === "-" && t[this.i + 2] === "}"))) {
      prefix = c0;
      this.i++;
    }
    let name = "";
    const c = t[this.i];
    if (c !== undefined && /[A-Za-z_]/.test(c)) {
      NAME.lastIndex = this.i;
      name = NAME.exec(t)![0];
    } else if (c !== undefined && /[0-9]/.test(c)) {
      name = /^[0-9]+/.exec(t.slice(this.i, this.i + 20))![0];
    } else if (c !== undefined && SPECIAL_PARAMS.includes(c)) {
      name = c;
    }
    if (name === "") this.problem("bad substitution", start, this.i + 1);
    this.i += name.length;
    let subscript: string | null = null;
    if (t[this.i] === "[") {
      let depth = 0;
      let j = this.i;
      for (; j < this.n; j++) {
        if (t[j] === "[") depth++;
        else if (t[j] === "]" && --depth === 0) break;
      }
      subscript = t.slice(this.i + 1, j);
      this.i = Math.min(j + 1, this.n);
    }
    let op: string | null = null;
    let word: WordPart[] | null = null;
    if (t[this.i] !== "}") {
      PARAM_OP.lastIndex = this.i;
      const m = PARAM_OP.exec(t);
      if (m !== null) {
        op = m[0];
        this.i += op.length;
      } else if (this.i < this.n) {
        this.problem("bad substitution", start, this.i + 1);
      }
      word = this.readParts((k) => t[k] === "}");
    }
    if (t[this.i] === "}") this.i++;
    else this.problem("expected '}' to close '${'", start, start + 2);
    return { type: "param", name, braced: true, prefix, subscript, op, word, start: this.pos(start), end: this.posEnd(this.i) };
  }

  /** `` `...` ``: the body is unescaped (`\\`, `` \` ``, `\$`, and `\"` inside double quotes) and parsed on its own. */
  private readBacktick(inDouble: boolean): CommandSubstitution {
    const t = this.text;
    const start = this.i;
    let j = start + 1;
    let inner = "";
    const map: number[] = [];
    while (j < this.n && t[j] !== "`") {
      const next = t[j + 1];
      if (t[j] === "\\" && next !== undefined && ("\\`$".includes(next) || (inDouble && next === '"'))) {
        map.push(this.pos(j + 1));
        inner += next;
        j += 2;
      } else {
        map.push(this.pos(j));
        inner += t[j];
        j++;
      }
    }
    map.push(this.pos(j));
    if (j >= this.n) this.problem("unterminated backquote", start, start + 1);
    else j++;
    this.i = j;
    const sub = new Parser(inner, map);
    const body = sub.parseTop();
    this.problems.push(...sub.problems);
    this.comments.push(...sub.comments);
    this.pipelines.push(...sub.pipelines);
    return { type: "command", backtick: true, body, start: this.pos(start), end: this.posEnd(this.i) };
  }

  /** From just inside `((`: the index of the first `)` of the closing `))`, or -1. */
  private scanArithmetic(from: number): number {
    const t = this.text;
    let depth = 0;
    for (let j = from; j < this.n; j++) {
      const c = t[j];
      if (c === "(") depth++;
      else if (c === ")") {
        if (depth === 0) return t[j + 1] === ")" ? j : -1;
        depth--;
      } else if (c === "'" || c === '"') {
        const close = t.indexOf(c, j + 1);
        if (close < 0) return -1;
        j = close;
      } else if (c === "\\") j++;
    }
    return -1;
  }
}

/** The static value of a word's parts, or null when any part is an expansion. */
export function staticValue(parts: readonly WordPart[]): string | null {
  let out = "";
  for (const p of parts) {
    switch (p.type) {
      case "literal":
      case "single":
      case "ansi":
        out += p.value;
        break;
      case "double": {
        const inner = staticValue(p.parts);
        if (inner === null) return null;
        out += inner;
        break;
      }
      default:
        return null;
    }
  }
  return out;
}

/** A heredoc delimiter after quote removal; `$` stays literal. */
function delimiterOf(word: Word): string {
  let out = "";
  const add = (parts: readonly WordPart[], raw: string, base: number): void => {
    for (const p of parts) {
      if (p.type === "literal" || p.type === "single" || p.type === "ansi") out += p.value;
      else if (p.type === "double") add(p.parts, raw, base);
      else out += raw.slice(p.start - base, p.end - base);
    }
  };
  add(word.parts, word.raw, word.start);
  return out;
}

/** Decodes one `$'...'` escape after the backslash at `k`: [value, characters consumed]. */
function ansiEscape(t: string, k: number): [string, number] {
  const c = t[k]!;
  const simple: Record<string, string> = {
    a: "\x07", b: "\b", e: "\x1b", E: "\x1b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v",
    "\\": "\\", "'": "'", '"': '"', "?": "?",
  };
  if (c in simple) return [simple[c]!, 1];
  let m: RegExpExecArray | null;
  if (c === "x" && (m = /^[0-9a-fA-F]{1,2}/.exec(t.slice(k + 1, k + 3)))) return [String.fromCharCode(parseInt(m[0], 16)), 1 + m[0].length];
  if ((c === "u" || c === "U") && (m = /^[0-9a-fA-F]{1,8}/.exec(t.slice(k + 1, k + (c === "u" ? 5 : 9))))) {
    const cp = parseInt(m[0], 16);
    return [cp <= 0x10ffff ? String.fromCodePoint(cp) : "", 1 + m[0].length];
  }
  if ((m = /^[0-7]{1,3}/.exec(t.slice(k, k + 3)))) return [String.fromCharCode(parseInt(m[0], 8) & 0xff), m[0].length];
  if (c === "c" && k + 1 < t.length) return [String.fromCharCode(t.charCodeAt(k + 1) & 0x1f), 2];
  return ["\\" + c, 1];
}
