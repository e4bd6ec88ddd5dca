/**
 * `parse(text)`: the line pass, then for each logical line the Chevrotain grammar (envelope)
 * and the instruction's own argument parser. Never throws on any input: every problem of the
 * file becomes a diagnostic, all in one pass.
 */
import { INSTRUCTION_KINDS, type Dockerfile, type Flag, type Heredoc, type Instruction, type InstructionKind } from "./ast.js";
import { ParseCodes, type Diagnostic, type ParseCode, type Severity } from "./diagnostics.js";
import { parseEnvelope, parseEnvelopes, type Envelope, type RawFlag } from "./grammar.js";
import { INSTRUCTION_PARSERS, type InstructionInput } from "./instructions/index.js";
import { linePass, toOrigin, type LogicalLine } from "./lines.js";
import { LineIndex, type SourceRange } from "./range.js";
import { suggest } from "./suggest.js";

export interface ParseOptions {
  /** The file name, for tools that render diagnostics. */
  readonly file?: string;
  /** The `LineIndex` of `text` when the caller has one already (the linter shares it). */
  readonly lines?: LineIndex;
}

export interface ParseResult {
  readonly dockerfile: Dockerfile;
  readonly diagnostics: readonly Diagnostic[];
}

type ParserEntry = readonly [InstructionKind, (input: InstructionInput) => Instruction];

/**
 * Kind and argument parser by keyword, in one lookup: indexing INSTRUCTION_PARSERS (an object)
 * by a kind string was a megamorphic keyed load per instruction.
 */
const PARSER_BY_KEYWORD = new Map<string, ParserEntry>(INSTRUCTION_KINDS.map((k) => [k, [k, INSTRUCTION_PARSERS[k]]]));

/** The entries by keyword length, for upper-case keywords. */
const ENTRIES_BY_LENGTH: ParserEntry[][] = [];
for (const entry of PARSER_BY_KEYWORD.values()) (ENTRIES_BY_LENGTH[entry[0].length] ??= []).push(entry);

/**
 * The entry of a keyword. An upper-case keyword (nearly all) is compared with the few kinds of its
 * length: the keyword is a fresh substring, and a Map lookup hashed it first (2% of parse()).
 */
function entryOf(keyword: string): ParserEntry | undefined {
  const candidates = ENTRIES_BY_LENGTH[keyword.length];
  if (candidates !== undefined) for (const entry of candidates) if (entry[0] === keyword) return entry;
  return PARSER_BY_KEYWORD.get(keyword.toUpperCase());
}

const NO_HEREDOCS: readonly Heredoc[] = [];

/** Parses Dockerfile text. Never throws on user input; every problem is a diagnostic. */
export function parse(text: string, options: ParseOptions = {}): ParseResult {
  const index = options.lines?.text === text ? options.lines : new LineIndex(text);
  const diagnostics: Diagnostic[] = [];
  const pass = linePass(text, index, diagnostics);
  const instructions: Instruction[] = [];
  const envelopes = parseEnvelopes(pass.lines.map((l) => l.text));
  for (let i = 0; i < pass.lines.length; i++) {
    const line = pass.lines[i]!;
    const heredocs: readonly Heredoc[] = line.heredocs.length === 0 ? NO_HEREDOCS : line.heredocs.map((h) => ({
      name: h.marker.name,
      fileDescriptor: h.marker.fileDescriptor,
      expand: h.marker.expand,
      chomp: h.marker.chomp,
      content: h.content,
      markerRange: index.range(toOrigin(line.segments, h.marker.start), toOrigin(line.segments, h.marker.end)),
      range: index.range(h.start, h.end),
    }));
    const instruction = parseInstruction(line, 0, envelopes[i]!, heredocs, index, pass.escapeChar, diagnostics);
    if (instruction) instructions.push(instruction);
  }
  diagnostics.sort((a, b) => a.range.start.offset - b.range.start.offset);
  return {
    dockerfile: {
      instructions,
      directives: pass.directives,
      comments: pass.comments,
      escapeChar: pass.escapeChar,
      range: index.range(0, text.length),
    },
    diagnostics,
  };
}

/** Removes the quotes and backslash escapes of a flag word, as BuildKit's flag scanner does. */
function unquoteFlag(text: string): string {
  let out = "";
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\\" && i + 1 < text.length) out += text[++i];
      else out += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "\\") {
      if (i + 1 < text.length) out += text[++i];
    } else out += c;
  }
  return out;
}

/** The text has a quote or a backslash (a loop: this ran a regex per flag). */
function hasQuoteOrEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 39 || c === 92) return true;
  }
  return false;
}

function toFlag(raw: RawFlag, base: number, input: Input): Flag {
  // Most flags have no quotes or escapes: nothing to remove.
  const text = (hasQuoteOrEscape(raw.text) ? unquoteFlag(raw.text) : raw.text).slice(2);
  const eq = text.indexOf("=");
  return {
    name: eq < 0 ? text : text.slice(0, eq),
    value: eq < 0 ? null : text.slice(eq + 1),
    range: input.at(base + raw.start, base + raw.end),
  };
}

/** What an instruction parser gets; a class so that no closures are made per instruction. */
class Input implements InstructionInput {
  flags: readonly Flag[] = [];
  readonly range: SourceRange;

  constructor(
    readonly kind: InstructionKind,
    readonly keyword: string,
    readonly keywordRange: SourceRange,
    readonly rest: string,
    readonly restStart: number,
    readonly heredocs: readonly Heredoc[],
    readonly escapeChar: "\\" | "`",
    private readonly line: LogicalLine,
    base: number,
    private readonly index: LineIndex,
    private readonly diagnostics: Diagnostic[],
  ) {
    this.range = index.range(base === 0 ? line.start : toOrigin(line.segments, base), line.end);
  }

  at(start: number, end: number): SourceRange {
    const segments = this.line.segments;
    return this.index.range(toOrigin(segments, start), toOrigin(segments, end));
  }

  report(code: ParseCode, message: string, range: SourceRange, severity: Severity = "error", hint?: string): void {
    this.diagnostics.push(hint ? { code, severity, message, range, hint } : { code, severity, message, range });
  }

  parseNested(nested: string, offset: number): Instruction | null {
    return parseInstruction(this.line, offset, parseEnvelope(nested), this.heredocs, this.index, this.escapeChar, this.diagnostics);
  }
}

function parseInstruction(
  line: LogicalLine,
  base: number,
  env: Envelope,
  heredocs: readonly Heredoc[],
  index: LineIndex,
  escapeChar: "\\" | "`",
  diagnostics: Diagnostic[],
): Instruction | null {
  const text = base === 0 ? line.text : line.text.slice(base);
  const segments = line.segments;
  const keywordRange = index.range(toOrigin(segments, base + env.keywordStart), toOrigin(segments, base + env.keywordEnd));
  const entry = entryOf(env.keyword);
  if (entry === undefined) {
    const near = suggest(env.keyword, INSTRUCTION_KINDS);
    diagnostics.push({
      code: ParseCodes.unknownInstruction,
      severity: "error",
      message: `unknown instruction: ${env.keyword}`,
      range: keywordRange,
      ...(near ? { hint: `did you mean ${near}?` } : {}),
    });
    return null;
  }
  const [kind, parseArguments] = entry;
  const rest = text.slice(env.argumentsStart).trimEnd();
  const restStart = base + env.argumentsStart;
  const input = new Input(kind, env.keyword, keywordRange, rest, restStart, heredocs, escapeChar, line, base, index, diagnostics);
  if (env.flags.length > 0) {
    const flags: Flag[] = [];
    for (const f of env.flags) flags.push(toFlag(f, base, input));
    input.flags = flags;
  }
  return parseArguments(input);
}
