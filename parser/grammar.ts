/**
 * The Chevrotain lexer and grammar (an EmbeddedActionsParser) over a file's logical lines,
 * which builds one envelope per instruction as it parses: keyword, flags, and where the
 * arguments start. What the arguments mean is each instruction's business
 * (`parser/instructions/*`), because Docker splits them differently per instruction.
 *
 * The logical lines (continuations already joined by the line pass) are lexed and parsed in one
 * go, joined by "\n", so Chevrotain's per-call costs are paid once per file. The lexer is total
 * (every character belongs to some token) and the grammar accepts every token sequence, so
 * nothing fails here; meaning errors are reported later with ranges.
 */
import { createToken, EmbeddedActionsParser, Lexer, type IRecognitionException, type IToken } from "chevrotain";

/**
 * First characters for a token whose pattern is a negated class (Chevrotain cannot analyse
 * those): every UTF-16 code unit but `except`. With a hint on every such token the lexer runs
 * in its first-character-optimised mode, trying only the patterns that can start at a
 * character (it tried every pattern of the mode in turn: 7% of lint time).
 *
 * Chevrotain indexes the first characters below 256 one by one and those above in buckets of
 * 255 code units, so one code unit per bucket stands for its bucket: ~500 hints instead of
 * 65,530, which cost ~5 ms to list and as much again for the lexer to read, in every process
 * that parses. `checkGrammar` lexes every code unit, so a change of the bucketing fails a test.
 */
function firstCharsExcept(except: string): number[] {
  const out: number[] = [];
  for (let c = 0; c < 256; c++) if (!except.includes(String.fromCharCode(c))) out.push(c);
  for (let c = 256; c < 0x10000; c += 255) out.push(c);
  out.push(0xffff);
  return out;
}
/** What separates words on a line, and what ends a line. */
const BLANKS = " \t\v\f\r";
const NOT_BLANK_OR_NEWLINE = firstCharsExcept(`${BLANKS}\n`);

/**
 * Blanks only separate the other tokens (every other pattern stops at a blank or takes the rest
 * of the line), so the lexer drops them: the parser sees a third fewer tokens.
 */
const Blank = createToken({ name: "Blank", pattern: /[ \t\v\f\r]+/, group: Lexer.SKIPPED, start_chars_hint: [...BLANKS] });
/**
 * Separates logical lines; ends the flags/arguments mode of the line. A one-character string,
 * not a regex: the lexer compares it as a char code.
 */
const Newline = createToken({ name: "Newline", pattern: "\n", pop_mode: true });
/** The instruction keyword: the first run of non-blank characters of a line. */
const Keyword = createToken({ name: "Keyword", pattern: /[^ \t\v\f\r\n]+/, push_mode: "line", start_chars_hint: NOT_BLANK_OR_NEWLINE });
/** `--` alone: ends the flags. */
const FlagEnd = createToken({ name: "FlagEnd", pattern: /--(?![^ \t\v\f\r\n])/, start_chars_hint: ["-"] });
/** `--name[=value]`, quotes and backslash escapes allowed in the value. */
const Flag = createToken({
  name: "Flag",
  pattern: /--(?:[^ \t\v\f\r\n"'\\]|\\[^\n]?|"(?:[^"\\\n]|\\[^\n]?)*"?|'[^'\n]*'?)+/,
  start_chars_hint: ["-"],
});
/**
 * The arguments: everything from the first non-flag word to the end of the line, as one token.
 * Docker splits arguments differently per instruction, so that is left to the instruction.
 */
const Arguments = createToken({ name: "Arguments", pattern: /[^ \t\v\f\r\n][^\n]*/, start_chars_hint: NOT_BLANK_OR_NEWLINE });

const lexerDefinition = {
  modes: {
    start: [Blank, Newline, Keyword],
    line: [Blank, Newline, FlagEnd, Flag, Arguments],
  },
  defaultMode: "start",
};
const tokens = [Blank, Newline, Keyword, FlagEnd, Flag, Arguments];

/**
 * Builds the envelopes while it parses (embedded actions): no CST and no visitor pass, which
 * cost a third of the grammar's time. The DSL's closures and option objects are made once
 * (fields), not on every call of a rule: Chevrotain runs the rule bodies for every line. The
 * line being parsed is instance state (`start`, `keyword`, `flags`, `firstArgument`), reset per
 * instruction; offsets are made relative to the line by `lineStarts`.
 */
class DockerfileGrammar extends EmbeddedActionsParser {
  /**
   * `validate`: Chevrotain's checks of the grammar itself (ambiguities, left recursion, …). The
   * grammar is fixed, so they run in the tests (`checkGrammar`), not in every process, where
   * they were a good part of the parser's set-up.
   */
  constructor(validate = false) {
    super(tokens, { maxLookahead: 2, skipValidations: !validate });
    this.performSelfAnalysis();
  }

  /** Start offset of each logical line in the joined text (set per parse). */
  lineStarts: readonly number[] = [];
  /** The envelopes made so far, in order. */
  envelopes: Envelope[] = [];
  private flags: RawFlag[] = [];
  private firstArgument: IToken | undefined;

  private readonly instructionStep = () => this.SUBRULE(this.instruction);
  private readonly instructions = { SEP: Newline, DEF: this.instructionStep };

  readonly dockerfile = this.RULE("dockerfile", () => {
    this.MANY_SEP(this.instructions);
  });

  // The actions test RECORDING_PHASE themselves (what ACTION does) instead of passing ACTION a
  // closure: that was a closure per flag and per instruction.
  private readonly flagStep = () => {
    const t = this.CONSUME(Flag);
    if (!this.RECORDING_PHASE) {
      const start = t.startOffset - this.lineStarts[this.envelopes.length]!;
      this.flags.push({ text: t.image, start, end: start + t.image.length });
    }
  };
  private readonly flagEndStep = () => {
    this.CONSUME(FlagEnd);
  };
  // After `--` a word that looks like a flag is an argument, so all three kinds may start
  // (and continue) the arguments.
  private readonly argumentKinds = [
    { ALT: () => this.CONSUME(Arguments) },
    { ALT: () => this.CONSUME2(Flag) },
    { ALT: () => this.CONSUME2(FlagEnd) },
  ];
  private readonly argumentStep = () => {
    const t = this.OR(this.argumentKinds);
    this.firstArgument ??= t;
  };

  readonly instruction = this.RULE("instruction", () => {
    const keyword = this.CONSUME(Keyword);
    this.flags = [];
    this.firstArgument = undefined;
    this.MANY(this.flagStep);
    this.OPTION(this.flagEndStep);
    this.MANY2(this.argumentStep);
    if (!this.RECORDING_PHASE) {
      const lineStart = this.lineStarts[this.envelopes.length]!;
      // (set by argumentStep during MANY2: not undefined as the assignment above suggests to tsc)
      const first = this.firstArgument as IToken | undefined;
      this.envelopes.push({
        keyword: keyword.image,
        keywordStart: keyword.startOffset - lineStart,
        keywordEnd: keyword.startOffset - lineStart + keyword.image.length,
        flags: this.flags,
        argumentsStart: first ? first.startOffset - lineStart : Number.POSITIVE_INFINITY,
      });
    }
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
let grammar: DockerfileGrammar | undefined;

function blankSplitFallback(line: string): Envelope {
  const end = line.search(/[ \t\v\f\r]|$/);
  return { keyword: line.slice(0, end), keywordStart: 0, keywordEnd: end, flags: [], argumentsStart: line.length };
}

function newLexer(validate: boolean): Lexer {
  return new Lexer(lexerDefinition, { positionTracking: "onlyOffset", ensureOptimizations: true, skipValidations: !validate });
}

/**
 * Builds the lexer and the grammar with Chevrotain's validations on (they are skipped at run
 * time): throws when the token definitions or the grammar have a defect Chevrotain detects.
 */
export function checkGrammar(): void {
  newLexer(true);
  new DockerfileGrammar(true);
  // The run-time lexer is total: every code unit can start a keyword and an argument.
  const text: string[] = [];
  for (let c = 0; c < 0x10000; c++) {
    const ch = String.fromCharCode(c);
    if (!`${BLANKS}\n`.includes(ch)) text.push(`${ch} ${ch}`);
  }
  const lexed = newLexer(false).tokenize(text.join("\n"));
  if (lexed.errors.length > 0) throw new Error(`the lexer cannot start a token at ${lexed.errors.length} characters, the first at offset ${lexed.errors[0]!.offset}`);
  const words = lexed.tokens.filter((t) => t.tokenType === Keyword || t.tokenType === Arguments).length;
  if (words !== 2 * text.length) throw new Error(`expected ${2 * text.length} keywords and arguments, lexed ${words}`);
}

/**
 * Lexes and parses logical lines (leading blanks removed, no "\n" inside) into one envelope
 * per line, in order.
 */
export function parseEnvelopes(lines: readonly string[]): Envelope[] {
  if (lines.length === 0) return [];
  // ensureOptimizations: a pattern change that loses the first-character optimisation fails loudly.
  lexer ??= newLexer(false);
  grammar ??= new DockerfileGrammar();
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
  grammar.lineStarts = lineStarts;
  const envelopes: Envelope[] = [];
  grammar.envelopes = envelopes;
  grammar.dockerfile();
  grammar.envelopes = [];
  if (errors.length > 0 || lexed.errors.length > 0) envelopes.length = 0;
  // Unreachable by construction (total lexer, permissive grammar); keep a safe fallback.
  if (envelopes.length !== lines.length) return lines.map(blankSplitFallback);
  return envelopes.map((e, i) => (e.argumentsStart > lines[i]!.length ? { ...e, argumentsStart: lines[i]!.length } : e));
}

/** One logical line (used for ONBUILD triggers). */
export function parseEnvelope(line: string): Envelope {
  return parseEnvelopes([line])[0]!;
}
