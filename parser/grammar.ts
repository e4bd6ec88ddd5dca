/**
 * The Chevrotain lexer and grammar-only CstParser over a file's logical lines, and the CST
 * visitor that turns the CST into one envelope per instruction: keyword, flags, and where the
 * arguments start. What the arguments mean is each instruction's business
 * (`parser/instructions/*`), because Docker splits them differently per instruction.
 *
 * The logical lines (continuations already joined by the line pass) are lexed and parsed in one
 * go, joined by "\n", so Chevrotain's per-call costs are paid once per file. The lexer is total
 * (every character belongs to some token) and the grammar accepts every token sequence, so
 * nothing fails here; meaning errors are reported later with ranges.
 */
import { createToken, CstParser, Lexer, type CstNode, type IRecognitionException, type IToken } from "chevrotain";

const Blank = createToken({ name: "Blank", pattern: /[ \t\v\f\r]+/ });
/** Separates logical lines; ends the flags/arguments mode of the line. */
const Newline = createToken({ name: "Newline", pattern: /\n/, pop_mode: true });
/** The instruction keyword: the first run of non-blank characters of a line. */
const Keyword = createToken({ name: "Keyword", pattern: /[^ \t\v\f\r\n]+/, push_mode: "line" });
/** `--` alone: ends the flags. */
const FlagEnd = createToken({ name: "FlagEnd", pattern: /--(?![^ \t\v\f\r\n])/ });
/** `--name[=value]`, quotes and backslash escapes allowed in the value. */
const Flag = createToken({
  name: "Flag",
  pattern: /--(?:[^ \t\v\f\r\n"'\\]|\\[^\n]?|"(?:[^"\\\n]|\\[^\n]?)*"?|'[^'\n]*'?)+/,
});
/**
 * The arguments: everything from the first non-flag word to the end of the line, as one token.
 * Docker splits arguments differently per instruction, so that is left to the instruction.
 */
const Arguments = createToken({ name: "Arguments", pattern: /[^ \t\v\f\r\n][^\n]*/ });

const lexerDefinition = {
  modes: {
    start: [Blank, Newline, Keyword],
    line: [Blank, Newline, FlagEnd, Flag, Arguments],
  },
  defaultMode: "start",
};
const tokens = [Blank, Newline, Keyword, FlagEnd, Flag, Arguments];

const KEYWORD = { LABEL: "keyword" } as const;
const FLAG = { LABEL: "flag" } as const;
const FLAG_END = { LABEL: "flagEnd" } as const;
const ARGUMENT = { LABEL: "argument" } as const;

/**
 * The DSL's closures and option objects are made once (fields), not on every call of a rule:
 * Chevrotain runs the rule bodies for every line, and inline arrows would be allocated each time.
 */
class DockerfileGrammar extends CstParser {
  constructor() {
    super(tokens, { maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  private readonly instructionStep = () => this.SUBRULE(this.instruction);
  private readonly instructions = { SEP: Newline, DEF: this.instructionStep };

  readonly dockerfile = this.RULE("dockerfile", () => {
    this.MANY_SEP(this.instructions);
  });

  private readonly flagStep = () => {
    this.CONSUME(Blank);
    this.CONSUME(Flag, FLAG);
  };
  private readonly flagEndStep = () => {
    this.CONSUME2(Blank);
    this.CONSUME(FlagEnd, FLAG_END);
  };
  // After `--` a word that looks like a flag is an argument, so all three kinds may start
  // (and continue) the arguments.
  private readonly argumentKinds = [
    { ALT: () => this.CONSUME(Arguments, ARGUMENT) },
    { ALT: () => this.CONSUME2(Flag, ARGUMENT) },
    { ALT: () => this.CONSUME2(FlagEnd, ARGUMENT) },
  ];
  private readonly argumentStep = () => {
    this.CONSUME3(Blank);
    this.OR(this.argumentKinds);
  };
  private readonly trailingBlank = () => this.CONSUME4(Blank);

  readonly instruction = this.RULE("instruction", () => {
    this.CONSUME(Keyword, KEYWORD);
    this.MANY(this.flagStep);
    this.OPTION(this.flagEndStep);
    this.MANY2(this.argumentStep);
    this.OPTION2(this.trailingBlank);
  });
}

export interface RawFlag {
  /** The flag word as written, e.g. `--from="builder"`. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** What the grammar recognises in a logical line. Offsets are into that line. */
export interface Envelope {
  readonly keyword: string;
  readonly keywordStart: number;
  readonly keywordEnd: number;
  readonly flags: readonly RawFlag[];
  /** Offset where the arguments begin, or the line's length when there are none. */
  readonly argumentsStart: number;
}

interface InstructionChildren {
  keyword: IToken[];
  flag?: IToken[];
  flagEnd?: IToken[];
  argument?: IToken[];
}

interface DockerfileChildren {
  instruction?: CstNode[];
}

type VisitorBase = new () => { visit(node: CstNode, param?: unknown): unknown; validateVisitor(): void };

/** Turns the CST into envelopes whose offsets are relative to each line's start. */
function makeVisitor(base: VisitorBase) {
  class EnvelopeVisitor extends base {
    constructor() {
      super();
      this.validateVisitor();
    }

    dockerfile(children: DockerfileChildren, lineStarts: readonly number[]): Envelope[] {
      return (children.instruction ?? []).map((node, i) => this.visit(node, lineStarts[i]) as Envelope);
    }

    instruction(children: InstructionChildren, lineStart: number): Envelope {
      const keyword = children.keyword[0]!;
      const flags = (children.flag ?? []).map((t) => ({
        text: t.image,
        start: t.startOffset - lineStart,
        end: t.startOffset - lineStart + t.image.length,
      }));
      const firstArgument = children.argument?.[0];
      return {
        keyword: keyword.image,
        keywordStart: keyword.startOffset - lineStart,
        keywordEnd: keyword.startOffset - lineStart + keyword.image.length,
        flags,
        argumentsStart: firstArgument ? firstArgument.startOffset - lineStart : Number.POSITIVE_INFINITY,
      };
    }
  }
  return new EnvelopeVisitor();
}

let lexer: Lexer | undefined;
let grammar: DockerfileGrammar | undefined;
let visitor: ReturnType<typeof makeVisitor> | undefined;

function blankSplitFallback(line: string): Envelope {
  const end = line.search(/[ \t\v\f\r]|$/);
  return { keyword: line.slice(0, end), keywordStart: 0, keywordEnd: end, flags: [], argumentsStart: line.length };
}

/**
 * Lexes and parses logical lines (leading blanks removed, no "\n" inside) into one envelope
 * per line, in order.
 */
export function parseEnvelopes(lines: readonly string[]): Envelope[] {
  if (lines.length === 0) return [];
  lexer ??= new Lexer(lexerDefinition, { positionTracking: "onlyOffset", ensureOptimizations: false });
  grammar ??= new DockerfileGrammar();
  visitor ??= makeVisitor(grammar.getBaseCstVisitorConstructor() as unknown as VisitorBase);
  const lineStarts: number[] = [];
  let at = 0;
  for (const line of lines) {
    lineStarts.push(at);
    at += line.length + 1;
  }
  const lexed = lexer.tokenize(lines.join("\n"));
  grammar.input = lexed.tokens;
  // Hand the parser our own error list: reading `grammar.errors` deep-clones it on every call.
  const errors: IRecognitionException[] = [];
  grammar.errors = errors;
  const cst = grammar.dockerfile();
  const envelopes =
    errors.length === 0 && lexed.errors.length === 0 && cst ? (visitor.visit(cst, lineStarts) as Envelope[]) : [];
  // Unreachable by construction (total lexer, permissive grammar); keep a safe fallback.
  if (envelopes.length !== lines.length) return lines.map(blankSplitFallback);
  return envelopes.map((e, i) => (e.argumentsStart > lines[i]!.length ? { ...e, argumentsStart: lines[i]!.length } : e));
}

/** One logical line (used for ONBUILD triggers). */
export function parseEnvelope(line: string): Envelope {
  return parseEnvelopes([line])[0]!;
}
