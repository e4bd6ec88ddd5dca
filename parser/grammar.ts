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
/** `--` alone: ends the flags. */
const FlagEnd = createToken({ name: "FlagEnd", pattern: /--(?![^ \t\v\f\r])/ });
/** `--name[=value]`, quotes and backslash escapes allowed in the value. */
const Flag = createToken({
  name: "Flag",
  pattern: /--(?:[^ \t\v\f\r"'\\]|\\[\s\S]?|"(?:[^"\\]|\\[\s\S]?)*"?|'[^']*'?)+/,
});
const Word = createToken({
  name: "Word",
  pattern: /(?:[^ \t\v\f\r"'\\]|\\[\s\S]?|"(?:[^"\\]|\\[\s\S]?)*"?|'[^']*'?)+/,
});

const tokens = [Blank, FlagEnd, Flag, Word];

class InstructionGrammar extends CstParser {
  constructor() {
    super(tokens, { maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  readonly instruction = this.RULE("instruction", () => {
    this.OR([
      { ALT: () => this.CONSUME(Word, { LABEL: "keyword" }) },
      { ALT: () => this.CONSUME(Flag, { LABEL: "keyword" }) },
      { ALT: () => this.CONSUME(FlagEnd, { LABEL: "keyword" }) },
    ]);
    this.MANY(() => {
      this.CONSUME(Blank);
      this.CONSUME2(Flag, { LABEL: "flag" });
    });
    this.OPTION(() => {
      this.CONSUME2(Blank);
      this.CONSUME2(FlagEnd, { LABEL: "flagEnd" });
    });
    this.MANY2(() => {
      this.CONSUME3(Blank);
      this.OR2([
        { ALT: () => this.CONSUME3(Word, { LABEL: "argument" }) },
        { ALT: () => this.CONSUME3(Flag, { LABEL: "argument" }) },
        { ALT: () => this.CONSUME3(FlagEnd, { LABEL: "argument" }) },
      ]);
    });
    this.OPTION2(() => this.CONSUME4(Blank));
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
  lexer ??= new Lexer(tokens, { positionTracking: "onlyOffset", ensureOptimizations: false });
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
