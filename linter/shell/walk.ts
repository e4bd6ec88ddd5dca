/**
 * The flat view lint rules use: every simple command of a script, in any nesting (compound
 * commands, functions, command and process substitutions), in source order, with its name,
 * arguments and where it sits (list, and-or list, pipeline, enclosing constructs).
 */
import type {
  AndOr, Command, CompoundCommand, FunctionDefinition, List, Node, Pipeline, Redirect, Script,
  SimpleCommand, Word, WordPart, Assignment,
} from "./ast.js";
import { assertNever } from "../../util/errors.js";
import { PARSED_PIPELINES } from "./parser.js";

/** The operator written right before or after a command. */
export type Operator = "|" | "|&" | "&&" | "||" | ";" | "&" | "\n";

/** A construct that encloses a command. */
export type Enclosing = CompoundCommand | FunctionDefinition | Extract<WordPart, { type: "command" | "process" }>;

export interface CommandInfo {
  readonly command: SimpleCommand;
  /** The command name after quote removal (`"apt-get"` → `apt-get`); null when dynamic or absent. */
  readonly name: string | null;
  /** The words: argv[0] is the name. Empty for a command of only assignments/redirections. */
  readonly argv: readonly Word[];
  /** argv without the name. */
  readonly args: readonly Word[];
  readonly assignments: readonly Assignment[];
  readonly redirects: readonly Redirect[];

  /** The list (sequence of `;` / `&` / newline separated items) the command is in. */
  readonly list: List;
  readonly listIndex: number;
  /** The and-or list (`a && b || c`) and the index of this command's pipeline in it. */
  readonly andOr: AndOr;
  readonly andOrIndex: number;
  /** The pipeline and this command's index in it. */
  readonly pipeline: Pipeline;
  readonly pipelineIndex: number;
  /**
   * The operator right before the command: `|` inside a pipeline, else `&&`/`||` inside an
   * and-or list, else the previous list item's separator; null for the first command of a list.
   */
  readonly after: Operator | null;
  /** The operator right after the command (same rules), or null. */
  readonly before: Operator | null;
  /** Part of a pipeline of two or more commands. */
  readonly inPipeline: boolean;
  /** Its list item ends with `&`. */
  readonly background: boolean;
  /** Its pipeline is negated with `!`. */
  readonly negated: boolean;

  /** Enclosing constructs, outermost first. */
  readonly ancestors: readonly Enclosing[];
  /** Inside `( )`, `$( )`, backticks or `<( )`: changes (cd, variables) do not outlive it. */
  readonly inSubshell: boolean;
  /** Inside `$( )`, backticks or `<( )`. */
  readonly inSubstitution: boolean;
  /** Inside the condition of `if`/`elif`/`while`/`until`. */
  readonly inCondition: boolean;
  /** Inside a function body. */
  readonly inFunction: boolean;
  /** Inside a `for`, `select`, `while` or `until` loop body. */
  readonly inLoop: boolean;
}

/** What a command inherits from the constructs around it. */
type Frame = Pick<CommandInfo, "ancestors" | "inSubshell" | "inSubstitution" | "inCondition" | "inFunction" | "inLoop">;

const TOP: Frame = { ancestors: [], inSubshell: false, inSubstitution: false, inCondition: false, inFunction: false, inLoop: false };

/**
 * The cache lives on the script object itself (a symbol-keyed property), not in a module-level
 * WeakMap: V8's young-generation GC keeps WeakMap values alive, so every file's command lists
 * would be promoted to the old generation before they could be freed.
 */
const COMMANDS: unique symbol = Symbol("kiln.commands");
type WithCommands = { [COMMANDS]?: readonly CommandInfo[] };

function inOrder(out: readonly CommandInfo[]): boolean {
  for (let i = 1; i < out.length; i++) if (out[i]!.command.start < out[i - 1]!.command.start) return false;
  return true;
}

/** Every simple command of the script (or list), in source order. Cached per script. */
export function commands(script: Script | List): readonly CommandInfo[] {
  const holder = script as (Script | List) & WithCommands;
  const hit = holder[COMMANDS];
  if (hit) return hit;
  const out: CommandInfo[] = [];
  walkList(script.type === "script" ? script.body : script, TOP, out);
  // The walk yields source order except around substitutions: sort only then (sort is stable).
  if (!inOrder(out)) out.sort((a, b) => a.command.start - b.command.start);
  (holder as { [COMMANDS]?: readonly CommandInfo[] })[COMMANDS] = out; // a plain store: defineProperty is slow
  return out;
}

/** The commands named `name` (or any of `names`). */
export function findCommands(script: Script | List, name: string | readonly string[]): CommandInfo[] {
  const names = typeof name === "string" ? [name] : name;
  return commands(script).filter((c) => c.name !== null && names.includes(c.name));
}

/** The frame inside `node`: its flags OR-ed with `frame`'s (a literal: spreads copy generically). */
function enter(frame: Frame, node: Enclosing, subshell: boolean, substitution: boolean, condition: boolean, fn: boolean, loop: boolean): Frame {
  const ancestors = frame.ancestors.slice();
  ancestors.push(node);
  return {
    ancestors,
    inSubshell: subshell || frame.inSubshell,
    inSubstitution: substitution || frame.inSubstitution,
    inCondition: condition || frame.inCondition,
    inFunction: fn || frame.inFunction,
    inLoop: loop || frame.inLoop,
  };
}

function walkList(list: List, frame: Frame, out: CommandInfo[]): void {
  const items = list.items;
  for (let listIndex = 0; listIndex < items.length; listIndex++) {
    const item = items[listIndex]!;
    const andOr = item.command;
    for (let andOrIndex = 0; andOrIndex < andOr.pipelines.length; andOrIndex++) {
      const pipeline = andOr.pipelines[andOrIndex]!;
      for (let pipelineIndex = 0; pipelineIndex < pipeline.commands.length; pipelineIndex++) {
        const command = pipeline.commands[pipelineIndex]!;
        const after: Operator | null =
          pipelineIndex > 0 ? pipeline.ops[pipelineIndex - 1]!
          : andOrIndex > 0 ? andOr.ops[andOrIndex - 1]!
          : listIndex > 0 ? list.items[listIndex - 1]!.separator
          : null;
        const before: Operator | null =
          pipelineIndex < pipeline.commands.length - 1 ? pipeline.ops[pipelineIndex]!
          : andOrIndex < andOr.pipelines.length - 1 ? andOr.ops[andOrIndex]!
          : item.separator;
        const position: Position = {
          list, listIndex, andOr, andOrIndex, pipeline, pipelineIndex, after, before,
          inPipeline: pipeline.commands.length > 1,
          background: item.separator === "&",
          negated: pipeline.negated,
        };
        walkCommand(command, position, frame, out);
      }
    }
  }
}

type Position = Pick<CommandInfo,
  "list" | "listIndex" | "andOr" | "andOrIndex" | "pipeline" | "pipelineIndex" | "after" | "before" | "inPipeline" | "background" | "negated">;

function walkCommand(command: Command, position: Position, frame: Frame, out: CommandInfo[]): void {
  switch (command.type) {
    case "simple": {
      const argv = command.words;
      // One object shape for every command (no spreads: rules read these fields a lot).
      out.push({
        command,
        name: argv[0]?.value ?? null,
        argv,
        args: argv.slice(1),
        assignments: command.assignments,
        redirects: command.redirects,
        list: position.list,
        listIndex: position.listIndex,
        andOr: position.andOr,
        andOrIndex: position.andOrIndex,
        pipeline: position.pipeline,
        pipelineIndex: position.pipelineIndex,
        after: position.after,
        before: position.before,
        inPipeline: position.inPipeline,
        background: position.background,
        negated: position.negated,
        ancestors: frame.ancestors,
        inSubshell: frame.inSubshell,
        inSubstitution: frame.inSubstitution,
        inCondition: frame.inCondition,
        inFunction: frame.inFunction,
        inLoop: frame.inLoop,
      });
      // A static word (most) holds no command or process substitution: nothing to walk.
      for (const w of argv) if (w.value === null) walkWord(w, frame, out);
      for (const a of command.assignments) {
        if (a.value && a.value.value === null) walkWord(a.value, frame, out);
        if (a.array) for (const w of a.array) walkWord(w, frame, out);
      }
      walkRedirects(command.redirects, frame, out);
      return;
    }
    case "subshell":
      walkList(command.body, enter(frame, command, true, false, false, false, false), out);
      break;
    case "group":
      walkList(command.body, enter(frame, command, false, false, false, false, false), out);
      break;
    case "if":
      for (const clause of command.clauses) {
        walkList(clause.condition, enter(frame, command, false, false, true, false, false), out);
        walkList(clause.body, enter(frame, command, false, false, false, false, false), out);
      }
      if (command.elseBody) walkList(command.elseBody, enter(frame, command, false, false, false, false, false), out);
      break;
    case "for":
      for (const w of command.items ?? []) walkWord(w, frame, out);
      walkList(command.body, enter(frame, command, false, false, false, false, true), out);
      break;
    case "arithmetic-for":
      walkList(command.body, enter(frame, command, false, false, false, false, true), out);
      break;
    case "while":
      walkList(command.condition, enter(frame, command, false, false, true, false, true), out);
      walkList(command.body, enter(frame, command, false, false, false, false, true), out);
      break;
    case "case":
      if (command.word) walkWord(command.word, frame, out);
      for (const item of command.items) {
        for (const p of item.patterns) walkWord(p, frame, out);
        walkList(item.body, enter(frame, command, false, false, false, false, false), out);
      }
      break;
    case "function": {
      const inner = enter(frame, command, false, false, false, true, false);
      walkCommand(command.body, position, inner, out);
      return;
    }
    case "test":
      for (const w of command.words) walkWord(w, frame, out);
      break;
    case "arithmetic-command":
      break;
  }
  walkRedirects(command.redirects, frame, out);
}

function walkRedirects(redirects: readonly Redirect[], frame: Frame, out: CommandInfo[]): void {
  for (const r of redirects) if (r.target && r.target.value === null) walkWord(r.target, frame, out);
}

function walkWord(word: Word, frame: Frame, out: CommandInfo[]): void {
  walkParts(word.parts, frame, out);
}

function walkParts(parts: readonly WordPart[], frame: Frame, out: CommandInfo[]): void {
  for (const p of parts) {
    switch (p.type) {
      case "double":
        walkParts(p.parts, frame, out);
        break;
      case "param":
        if (p.word) walkParts(p.word, frame, out);
        break;
      case "command":
      case "process":
        walkList(p.body, enter(frame, p, true, true, false, false, false), out);
        break;
      default:
        break;
    }
  }
}

/**
 * Calls `visit` for every node of the tree, parents before children. Return false from
 * `visit` to skip a node's children.
 */
export function visit(node: Node, visitor: (node: Node, parent: Node | null) => boolean | void): void {
  const go = (n: Node, parent: Node | null): void => {
    if (visitor(n, parent) === false) return;
    eachChild(n, go);
  };
  go(node, null);
}

/** Calls `fn(child, n)` for the direct children of `n`, in the order `children(n)` lists them, without building the list. */
function eachChild(n: Node, fn: (child: Node, parent: Node) => void): void {
  switch (n.type) {
    case "script":
      fn(n.body, n);
      return;
    case "list":
      for (const i of n.items) fn(i.command, n);
      return;
    case "and-or":
      for (const c of n.pipelines) fn(c, n);
      return;
    case "pipeline":
      for (const c of n.commands) fn(c, n);
      return;
    case "simple":
      for (const c of n.assignments) fn(c, n);
      for (const c of n.words) fn(c, n);
      for (const c of n.redirects) fn(c, n);
      return;
    case "subshell":
    case "group":
    case "arithmetic-for":
    case "function":
      fn(n.body, n);
      for (const c of n.redirects) fn(c, n);
      return;
    case "if":
      for (const c of n.clauses) {
        fn(c.condition, n);
        fn(c.body, n);
      }
      if (n.elseBody) fn(n.elseBody, n);
      for (const c of n.redirects) fn(c, n);
      return;
    case "for":
      if (n.items) for (const c of n.items) fn(c, n);
      fn(n.body, n);
      for (const c of n.redirects) fn(c, n);
      return;
    case "while":
      fn(n.condition, n);
      fn(n.body, n);
      for (const c of n.redirects) fn(c, n);
      return;
    case "case":
      if (n.word) fn(n.word, n);
      for (const i of n.items) {
        for (const c of i.patterns) fn(c, n);
        fn(i.body, n);
      }
      for (const c of n.redirects) fn(c, n);
      return;
    case "arithmetic-command":
      for (const c of n.redirects) fn(c, n);
      return;
    case "test":
      for (const c of n.words) fn(c, n);
      for (const c of n.redirects) fn(c, n);
      return;
    case "word":
    case "double":
      for (const c of n.parts) fn(c, n);
      return;
    case "assignment":
      if (n.value) fn(n.value, n);
      if (n.array) for (const c of n.array) fn(c, n);
      return;
    case "redirect":
      if (n.target) fn(n.target, n);
      return;
    case "param":
      if (n.word) for (const c of n.word) fn(c, n);
      return;
    case "command":
    case "process":
      fn(n.body, n);
      return;
    case "arithmetic":
    case "literal":
    case "single":
    case "ansi":
      return;
    default:
      assertNever(n, "shell node");
  }
}

/** The direct children of a node. */
export function children(n: Node): Node[] {
  switch (n.type) {
    case "script":
      return [n.body];
    case "list":
      return n.items.map((i) => i.command);
    case "and-or":
      return [...n.pipelines];
    case "pipeline":
      return [...n.commands];
    case "simple":
      return [...n.assignments, ...n.words, ...n.redirects];
    case "subshell":
    case "group":
      return [n.body, ...n.redirects];
    case "if":
      return [...n.clauses.flatMap((c) => [c.condition, c.body]), ...(n.elseBody ? [n.elseBody] : []), ...n.redirects];
    case "for":
      return [...(n.items ?? []), n.body, ...n.redirects];
    case "arithmetic-for":
      return [n.body, ...n.redirects];
    case "while":
      return [n.condition, n.body, ...n.redirects];
    case "case":
      return [...(n.word ? [n.word] : []), ...n.items.flatMap((i) => [...i.patterns, i.body]), ...n.redirects];
    case "function":
      return [n.body, ...n.redirects];
    case "arithmetic-command":
      return [...n.redirects];
    case "arithmetic":
      return [];
    case "test":
      return [...n.words, ...n.redirects];
    case "word":
      return [...n.parts];
    case "assignment":
      return [...(n.value ? [n.value] : []), ...(n.array ?? [])];
    case "redirect":
      return n.target ? [n.target] : [];
    case "double":
      return [...n.parts];
    case "param":
      return [...(n.word ?? [])];
    case "command":
    case "process":
      return [n.body];
    case "literal":
    case "single":
    case "ansi":
      return [];
  }
}

/** Every pipeline of two or more commands, in any nesting. */
export function pipelines(script: Script | List): Pipeline[] {
  // The parser's list, when it is enough to know the answer: no walk.
  const parsed = (script as { [PARSED_PIPELINES]?: readonly Pipeline[] })[PARSED_PIPELINES];
  if (parsed !== undefined && parsed.length <= 1) return parsed.slice();
  const out: Pipeline[] = [];
  collectPipelines(script, out);
  return out;
}

/**
 * visit()'s order (eachChild's), without a callback per node; a static word (most words) holds
 * no substitution, so no pipeline: it is not walked.
 */
function collectPipelines(n: Node, out: Pipeline[]): void {
  switch (n.type) {
    case "script":
      collectPipelines(n.body, out);
      return;
    case "list":
      for (const i of n.items) collectPipelines(i.command, out);
      return;
    case "and-or":
      for (const p of n.pipelines) collectPipelines(p, out);
      return;
    case "pipeline":
      if (n.commands.length > 1) out.push(n);
      for (const c of n.commands) collectPipelines(c, out);
      return;
    case "simple":
      for (const a of n.assignments) collectPipelines(a, out);
      for (const w of n.words) if (w.value === null) collectPipelines(w, out);
      for (const r of n.redirects) collectPipelines(r, out);
      return;
    case "subshell":
    case "group":
    case "arithmetic-for":
    case "function":
      collectPipelines(n.body, out);
      break;
    case "if":
      for (const c of n.clauses) {
        collectPipelines(c.condition, out);
        collectPipelines(c.body, out);
      }
      if (n.elseBody) collectPipelines(n.elseBody, out);
      break;
    case "for":
      if (n.items) for (const w of n.items) collectPipelines(w, out);
      collectPipelines(n.body, out);
      break;
    case "while":
      collectPipelines(n.condition, out);
      collectPipelines(n.body, out);
      break;
    case "case":
      if (n.word) collectPipelines(n.word, out);
      for (const i of n.items) {
        for (const w of i.patterns) collectPipelines(w, out);
        collectPipelines(i.body, out);
      }
      break;
    case "arithmetic-command":
      break;
    case "test":
      for (const w of n.words) collectPipelines(w, out);
      break;
    case "word":
      if (n.value !== null) return;
      for (const p of n.parts) collectPipelines(p, out);
      return;
    case "double":
      for (const p of n.parts) collectPipelines(p, out);
      return;
    case "assignment":
      if (n.value) collectPipelines(n.value, out);
      if (n.array) for (const w of n.array) collectPipelines(w, out);
      return;
    case "redirect":
      if (n.target) collectPipelines(n.target, out);
      return;
    case "param":
      if (n.word) for (const p of n.word) collectPipelines(p, out);
      return;
    case "command":
    case "process":
      collectPipelines(n.body, out);
      return;
    case "arithmetic":
    case "literal":
    case "single":
    case "ansi":
      return;
    default:
      assertNever(n, "shell node");
  }
  // The compound commands' redirects, after their bodies (eachChild's order).
  for (const r of n.redirects) collectPipelines(r, out);
}

/** Every word of the script in source order (arguments, assignment values, redirect targets...). */
export function words(script: Script | List): Word[] {
  const out: Word[] = [];
  visit(script, (n) => {
    if (n.type === "word") out.push(n);
  });
  return out;
}

/**
 * The `cd`, `pushd` and `popd` commands whose directory change outlives them: not inside a
 * subshell or command substitution (where WORKDIR could not replace them anyway).
 */
export function directoryChanges(script: Script | List): CommandInfo[] {
  return commands(script).filter((c) => (c.name === "cd" || c.name === "pushd" || c.name === "popd") && !c.inSubshell);
}
