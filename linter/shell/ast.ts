/**
 * The shell-syntax AST for RUN bodies (POSIX sh plus the bash subset Dockerfiles use).
 * Offsets are 0-based UTF-16 indexes into the script text that was parsed, half-open
 * `[start, end)`. `dockerfile.ts` maps them back to the Dockerfile.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

/** A piece of a word. Offsets cover the piece as written (quotes and `$` included). */
export type WordPart =
  | Literal
  | SingleQuoted
  | AnsiQuoted
  | DoubleQuoted
  | ParamExpansion
  | CommandSubstitution
  | ArithmeticExpansion
  | ProcessSubstitution;

/** Unquoted text; `value` has backslash escapes and line continuations removed. */
export interface Literal extends Span {
  readonly type: "literal";
  readonly value: string;
}

/** `'text'`. */
export interface SingleQuoted extends Span {
  readonly type: "single";
  readonly value: string;
}

/** `$'text'` with the C escapes decoded. */
export interface AnsiQuoted extends Span {
  readonly type: "ansi";
  readonly value: string;
}

/** `"..."` (or bash's `$"..."`): literals and expansions. */
export interface DoubleQuoted extends Span {
  readonly type: "double";
  readonly parts: readonly WordPart[];
}

/**
 * `$name`, `$1`, `$@`, `${name}`, `${name:-word}`, `${#name}`, `${!name}`, `${name[i]}`,
 * `${name/pat/rep}`... `op` is the operator as written (`:-`, `#`, `//`, `:` ...) or null;
 * `word` the parts after the operator (pattern and replacement together for `/`).
 */
export interface ParamExpansion extends Span {
  readonly type: "param";
  readonly name: string;
  readonly braced: boolean;
  /** `#` (length) or `!` (indirection) before the name. */
  readonly prefix: "#" | "!" | null;
  readonly subscript: string | null;
  readonly op: string | null;
  readonly word: readonly WordPart[] | null;
}

/** `$(...)` or `` `...` ``. */
export interface CommandSubstitution extends Span {
  readonly type: "command";
  readonly backtick: boolean;
  readonly body: List;
}

/** `$((expr))` (and the legacy `$[expr]`); the expression is kept as written. */
export interface ArithmeticExpansion extends Span {
  readonly type: "arithmetic";
  readonly expression: string;
}

/** bash `<(...)` / `>(...)`. */
export interface ProcessSubstitution extends Span {
  readonly type: "process";
  readonly direction: "<" | ">";
  readonly body: List;
}

export interface Word extends Span {
  readonly type: "word";
  /** The word as written. */
  readonly raw: string;
  readonly parts: readonly WordPart[];
  /**
   * The word after quote removal when it is static (no parameter, command or arithmetic
   * expansion anywhere in it), else null. Globs and braces are kept literally.
   */
  readonly value: string | null;
}

/** `NAME=value`, `NAME+=value`, `NAME[i]=value`, `NAME=(a b)`. */
export interface Assignment extends Span {
  readonly type: "assignment";
  readonly name: string;
  readonly append: boolean;
  readonly subscript: string | null;
  /** null for an array assignment. */
  readonly value: Word | null;
  /** The elements of `NAME=(a b c)`, else null. */
  readonly array: readonly Word[] | null;
}

export interface HeredocBody extends Span {
  /** The delimiter after quote removal. */
  readonly delimiter: string;
  /** The delimiter was quoted: no expansion in the body. */
  readonly quoted: boolean;
  /** `<<-`: leading tabs stripped. */
  readonly stripTabs: boolean;
  /** The body text (tabs already stripped for `<<-`), each line ending in "\n". */
  readonly content: string;
  /** False when the script ended before the delimiter line. */
  readonly terminated: boolean;
}

export type RedirectOp =
  | "<" | ">" | ">>" | ">|" | "<>" | "<&" | ">&" | "&>" | "&>>" | "<<" | "<<-" | "<<<";

export interface Redirect extends Span {
  readonly type: "redirect";
  readonly op: RedirectOp;
  /** The explicit file descriptor (`2>`), or null. */
  readonly fd: number | null;
  /** bash `{var}>file`. */
  readonly fdVariable: string | null;
  /** The file, fd (`2>&1` gives "1"), here-string or heredoc delimiter word. */
  readonly target: Word | null;
  /** Set for `<<` and `<<-`. */
  heredoc: HeredocBody | null;
}

export interface SimpleCommand extends Span {
  readonly type: "simple";
  readonly assignments: readonly Assignment[];
  /** The command name and arguments. */
  readonly words: readonly Word[];
  readonly redirects: readonly Redirect[];
}

export interface Subshell extends Span {
  readonly type: "subshell";
  readonly body: List;
  readonly redirects: readonly Redirect[];
}

/** `{ list; }` */
export interface Group extends Span {
  readonly type: "group";
  readonly body: List;
  readonly redirects: readonly Redirect[];
}

export interface IfClause {
  readonly condition: List;
  readonly body: List;
}

export interface If extends Span {
  readonly type: "if";
  /** `if` then every `elif`. */
  readonly clauses: readonly IfClause[];
  readonly elseBody: List | null;
  readonly redirects: readonly Redirect[];
}

/** `for name [in words]; do ...; done` and `select` (bash). */
export interface For extends Span {
  readonly type: "for";
  readonly keyword: "for" | "select";
  readonly variable: string;
  /** null when `in` was not written (iterates over "$@"). */
  readonly items: readonly Word[] | null;
  readonly body: List;
  readonly redirects: readonly Redirect[];
}

/** bash `for ((init; test; step))`. */
export interface ArithmeticFor extends Span {
  readonly type: "arithmetic-for";
  readonly expression: string;
  readonly body: List;
  readonly redirects: readonly Redirect[];
}

export interface While extends Span {
  readonly type: "while";
  readonly until: boolean;
  readonly condition: List;
  readonly body: List;
  readonly redirects: readonly Redirect[];
}

export interface CaseItem extends Span {
  readonly patterns: readonly Word[];
  readonly body: List;
  /** `;;`, `;&`, `;;&`, or null for the last item without one. */
  readonly terminator: ";;" | ";&" | ";;&" | null;
}

export interface Case extends Span {
  readonly type: "case";
  readonly word: Word | null;
  readonly items: readonly CaseItem[];
  readonly redirects: readonly Redirect[];
}

/** `name() body` or `function name [()] body`. */
export interface FunctionDefinition extends Span {
  readonly type: "function";
  readonly name: string;
  readonly body: Command;
  readonly redirects: readonly Redirect[];
}

/** bash `(( expr ))`. */
export interface ArithmeticCommand extends Span {
  readonly type: "arithmetic-command";
  readonly expression: string;
  readonly redirects: readonly Redirect[];
}

/** bash `[[ expr ]]`: the words between the brackets, operators included (`&&`, `-f`, `==`). */
export interface TestCommand extends Span {
  readonly type: "test";
  readonly words: readonly Word[];
  readonly redirects: readonly Redirect[];
}

export type CompoundCommand =
  | Subshell | Group | If | For | ArithmeticFor | While | Case | ArithmeticCommand | TestCommand;

export type Command = SimpleCommand | CompoundCommand | FunctionDefinition;

export interface Pipeline extends Span {
  readonly type: "pipeline";
  /** `! cmd` */
  readonly negated: boolean;
  /** bash `time [-p]` before the pipeline. */
  readonly timed: boolean;
  readonly commands: readonly Command[];
  /** `ops[i]` joins commands[i] and commands[i+1]: `|` or bash `|&`. */
  readonly ops: readonly ("|" | "|&")[];
}

export type AndOrOp = "&&" | "||";

/** `p1 && p2 || p3`: the pipelines and the operators between them. */
export interface AndOr extends Span {
  readonly type: "and-or";
  readonly pipelines: readonly Pipeline[];
  /** `ops[i]` joins pipelines[i] and pipelines[i+1]. */
  readonly ops: readonly AndOrOp[];
}

export type Separator = ";" | "&" | "\n";

export interface ListItem {
  readonly command: AndOr;
  /** What ends the item: `;`, `&` (background), a newline, or null (end of list). */
  readonly separator: Separator | null;
}

export interface List extends Span {
  readonly type: "list";
  readonly items: readonly ListItem[];
}

export interface ShellComment extends Span {
  /** Text after `#`. */
  readonly text: string;
}

/** A syntax problem; the parser recovers and goes on. */
export interface SyntaxProblem extends Span {
  readonly message: string;
}

export interface Script {
  readonly type: "script";
  readonly text: string;
  readonly body: List;
  readonly comments: readonly ShellComment[];
  readonly problems: readonly SyntaxProblem[];
}

export type Node =
  | Script | List | AndOr | Pipeline | Command | Word | Assignment | Redirect | WordPart;
