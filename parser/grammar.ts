/**
 * The Chevrotain lexer and grammar-only CstParser for one logical instruction line, and the
 * CST visitor that turns the CST into an instruction envelope: keyword, flags, and where the
 * arguments start. What the arguments mean is each instruction's business
 * (`parser/instructions/*`), because Docker splits them differently per instruction.
 *
 * The lexer is total (every character belongs to some token) and the grammar accepts every
 * token sequence, so a line never fails here; meaning errors are reported later with ranges.
 */
import { createToken, CstParser, Lexer, type CstNode, type IToken } from "chevrotain";

const Blank = createToken({ name: "Blank", pattern: /[ \t\v\f\r]+/ });
/** The instruction keyword: the first run of non-blank characters. */
const Keyword = createToken({ name: "Keyword", pattern: /[^ \t\v\f\r]+/, push_mode: "flags" });
/** `--` alone: ends the flags. */
const FlagEnd = createToken({ name: "FlagEnd", pattern: /--(?![^ \t\v\f\r])/, push_mode: "arguments" });
/** `--name[=value]`, quotes and backslash escapes allowed in the value. */
const Flag = createToken({
  name: "Flag",
  pattern: /--(?:[^ \t\v\f\r"'\\]|\\[\s\S]?|"(?:[^"\\]|\\[\s\S]?)*"?|'[^']*'?)+/,
});
/**
 * The arguments: everything from the first non-flag word to the end of the line, as one token.
 * Docker splits arguments differently per instruction, so that is left to the instruction.
 */
const Arguments = createToken({ name: "Arguments", pattern: /[^ \t\v\f\r][\s\S]*/ });

const lexerDefinition = {
  modes: {
    keyword: [Blank, Keyword],
    flags: [Blank, FlagEnd, Flag, Arguments],
    arguments: [Blank, Arguments],
  },
  defaultMode: "keyword",
};
const tokens = [Blank, Keyword, FlagEnd, Flag, Arguments];

class InstructionGrammar extends CstParser {
  constructor() {
    super(tokens, { maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  readonly instruction = this.RULE("instruction", () => {
    this.CONSUME(Keyword, { LABEL: "keyword" });
    this.MANY(() => {
      this.CONSUME(Blank);
      this.CONSUME(Flag, { LABEL: "flag" });
    });
    this.OPTION(() => {
      this.CONSUME2(Blank);
      this.CONSUME(FlagEnd, { LABEL: "flagEnd" });
    });
    this.OPTION2(() => {
      this.CONSUME3(Blank);
      this.CONSUME(Arguments, { LABEL: "argument" });
    });
    this.OPTION3(() => this.CONSUME4(Blank));
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

let lexer: Lexer | undefined;
let grammar: InstructionGrammar | undefined;
let visitor: EnvelopeVisitor | undefined;

interface InstructionChildren {
  keyword: IToken[];
  flag?: IToken[];
  flagEnd?: IToken[];
  argument?: IToken[];
}

function makeVisitor(base: new () => { visit(node: CstNode): unknown; validateVisitor(): void }) {
  class Visitor extends base {
    constructor() {
      super();
      this.validateVisitor();
    }

    instruction(children: InstructionChildren): Envelope {
      const keyword = children.keyword[0]!;
      const flags = (children.flag ?? []).map((t) => ({ text: t.image, start: t.startOffset, end: t.startOffset + t.image.length }));
      const firstArgument = children.argument?.[0];
      return {
        keyword: keyword.image,
        keywordStart: keyword.startOffset,
        keywordEnd: keyword.startOffset + keyword.image.length,
        flags,
        argumentsStart: firstArgument ? firstArgument.startOffset : Number.POSITIVE_INFINITY,
      };
    }
  }
  return new Visitor();
}
type EnvelopeVisitor = ReturnType<typeof makeVisitor>;

/** Lexes and parses one logical line (leading blanks already removed) into its envelope. */
export function parseEnvelope(line: string): Envelope {
  lexer ??= new Lexer(lexerDefinition, { positionTracking: "onlyOffset", ensureOptimizations: false });
  grammar ??= new InstructionGrammar();
  visitor ??= makeVisitor(grammar.getBaseCstVisitorConstructor() as never);
  const lexed = lexer.tokenize(line);
  grammar.input = lexed.tokens;
  const cst = grammar.instruction();
  if (grammar.errors.length > 0 || lexed.errors.length > 0 || !cst) {
    // Unreachable by construction (total lexer, permissive grammar); keep a safe fallback.
    const end = line.search(/[ \t\v\f\r]|$/);
    return { keyword: line.slice(0, end), keywordStart: 0, keywordEnd: end, flags: [], argumentsStart: line.length };
  }
  const envelope = visitor.visit(cst) as Envelope;
  return { ...envelope, argumentsStart: Math.min(envelope.argumentsStart, line.length) };
}
