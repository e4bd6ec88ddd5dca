/**
 * The scanner behind processWord/processWords: one left-to-right pass over the word that
 * removes quotes and escapes and expands `$` references, following BuildKit's
 * `frontend/dockerfile/shell` lexer rule for rule (docs/shell.md lists them). Nested
 * `${...}` word parts are scanned by recursion on the same cursor.
 */
import { isDigitCode, isLetterCode, isNameCode, isSpecialParamCode } from "./chars.js";
import { ExpansionFailure } from "./errors.js";
import {
  type PatternTokens,
  PatternError,
  compilePattern,
  replaceAll,
  replaceFirst,
  trimPrefix,
  trimSuffix,
} from "./pattern.js";
import type { WordSplitter } from "./words.js";

const EOF = -1;
const DOLLAR = 0x24;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const COLON = 0x3a;
const SLASH = 0x2f;
const PLUS = 0x2b;
const MINUS = 0x2d;
const QUESTION = 0x3f;
const HASH = 0x23;
const PERCENT = 0x25;
const UNDERSCORE = 0x5f;
const BOM = 0xfeff;

/** Looks a name up; undefined when unset. */
export type EnvLookup = (name: string) => string | undefined;

export interface LexerOptions {
  /** Char code of the escape character (`\` or `` ` ``). */
  readonly escape: number;
  /** Leave references to unset variables as written instead of expanding them. */
  readonly skipUnsetEnv: boolean;
  /** Treat quotes as ordinary characters (BuildKit's SkipProcessQuotes, used for heredocs). */
  readonly skipProcessQuotes: boolean;
  /** Record the names looked up in `matched` / `unmatched`. */
  readonly track: boolean;
}

export class ShellLexer {
  private pos = 0;
  private readonly escape: number;
  private readonly escapeText: string;
  /** Names looked up that were set / unset (only with `track`). */
  matched: Set<string> | null = null;
  unmatched: Set<string> | null = null;

  constructor(
    private readonly src: string,
    private readonly lookupEnv: EnvLookup,
    private readonly options: LexerOptions,
  ) {
    this.escape = options.escape;
    this.escapeText = String.fromCharCode(options.escape);
  }

  /** Scans the whole word; throws ExpansionFailure. `words` collects processWords' fields. */
  run(words: WordSplitter | null): string {
    // Go's text/scanner drops a byte order mark at the very start of its input.
    this.pos = this.src.charCodeAt(0) === BOM ? 1 : 0;
    return this.processStopOn(EOF, false, words);
  }

  /**
   * Scans up to `stop` (consumed, not returned) or the end of the word when `stop` is EOF.
   * `rawEscapes` keeps escape characters in the output (pattern and replacement parts of
   * `${v#p}`, `${v%p}`, `${v/p/r}`, where the pattern syntax gives them meaning).
   */
  private processStopOn(stop: number, rawEscapes: boolean, words: WordSplitter | null): string {
    const src = this.src;
    const len = src.length;
    const escape = this.escape;
    const quotes = !this.options.skipProcessQuotes;
    let out = "";
    while (this.pos < len) {
      const c = src.charCodeAt(this.pos);
      if (c === stop) {
        this.pos++;
        return out;
      }
      if (c === DOLLAR) {
        const value = this.processDollar();
        out += value;
        words?.addSplittable(value);
        continue;
      }
      if (quotes && c === SINGLE_QUOTE) {
        const value = this.processSingleQuote();
        out += value;
        words?.addRaw(value);
        continue;
      }
      if (quotes && c === DOUBLE_QUOTE) {
        const value = this.processDoubleQuote(rawEscapes);
        out += value;
        words?.addRaw(value);
        continue;
      }
      if (c === escape) {
        this.pos++;
        if (rawEscapes) {
          out += this.escapeText;
          words?.addRaw(this.escapeText);
        }
        // An escape character at the very end is dropped.
        if (this.pos >= len) break;
        const escaped = src[this.pos++]!;
        out += escaped;
        words?.addRaw(escaped);
        continue;
      }
      // A run of ordinary characters, copied in one slice.
      const start = this.pos;
      let end = start + 1;
      while (end < len) {
        const d = src.charCodeAt(end);
        if (d === stop || d === DOLLAR || d === escape || (quotes && (d === SINGLE_QUOTE || d === DOUBLE_QUOTE))) {
          break;
        }
        end++;
      }
      const run = src.slice(start, end);
      this.pos = end;
      out += run;
      words?.addSplittable(run);
    }
    if (stop !== EOF) {
      throw new ExpansionFailure(
        `unexpected end of statement while looking for matching ${String.fromCharCode(stop)}`,
      );
    }
    return out;
  }

  /** `'...'`: everything up to the next single quote, literally; no escapes at all. */
  private processSingleQuote(): string {
    const start = this.pos + 1;
    const end = this.src.indexOf("'", start);
    if (end < 0) {
      this.pos = this.src.length;
      throw new ExpansionFailure("unexpected end of statement while looking for matching single-quote");
    }
    this.pos = end + 1;
    return this.src.slice(start, end);
  }

  /**
   * `"..."`: `$` expands; the escape character escapes only `"`, `$` and itself and is kept
   * before anything else; an escape character just before the end of the word is dropped.
   */
  private processDoubleQuote(rawEscapes: boolean): string {
    const src = this.src;
    const len = src.length;
    const escape = this.escape;
    let out = "";
    this.pos++;
    for (;;) {
      if (this.pos >= len) {
        throw new ExpansionFailure("unexpected end of statement while looking for matching double-quote");
      }
      const c = src.charCodeAt(this.pos);
      if (c === DOUBLE_QUOTE) {
        this.pos++;
        return out;
      }
      if (c === DOLLAR) {
        out += this.processDollar();
        continue;
      }
      if (c === escape) {
        this.pos++;
        if (rawEscapes) out += this.escapeText;
        if (this.pos >= len) continue; // reported as the missing closing quote
        const next = src.charCodeAt(this.pos);
        if (next === DOUBLE_QUOTE || next === DOLLAR || next === escape) {
          this.pos++;
          out += String.fromCharCode(next);
        } else {
          // Not an escape here: the character stays (twice when raw, as BuildKit does).
          out += this.escapeText;
        }
        continue;
      }
      const start = this.pos;
      let end = start + 1;
      while (end < len) {
        const d = src.charCodeAt(end);
        if (d === DOUBLE_QUOTE || d === DOLLAR || d === escape) break;
        end++;
      }
      out += src.slice(start, end);
      this.pos = end;
    }
  }

  /** `$name`, `${name}` and `${name<op>word}`; the cursor is on the `$`. */
  private processDollar(): string {
    const src = this.src;
    const len = src.length;
    this.pos++;

    if (this.pos >= len || src.charCodeAt(this.pos) !== LEFT_BRACE) {
      const name = this.processName();
      if (name === "") return "$"; // `$` before a non-name character stays literal
      const value = this.lookup(name);
      if (value === undefined) return this.options.skipUnsetEnv ? "$" + name : "";
      return value;
    }

    this.pos++;
    if (this.pos >= len) throw new ExpansionFailure("syntax error: missing '}'");
    const first = src.charCodeAt(this.pos);
    if (first === LEFT_BRACE || first === RIGHT_BRACE || first === COLON) {
      throw new ExpansionFailure("syntax error: bad substitution");
    }
    const name = this.processName();
    // BuildKit reports an unsupported modifier U+FFFD (its EOF rune) here; we say what it is.
    if (this.pos >= len) throw new ExpansionFailure("syntax error: missing '}'");
    let op = this.nextCodePoint();
    let modifier = String.fromCodePoint(op);
    let nullIsUnset = false;

    switch (op) {
      case RIGHT_BRACE: {
        const value = this.lookup(name);
        if (value === undefined) return this.options.skipUnsetEnv ? "${" + name + "}" : "";
        return value;
      }
      case SLASH:
        return this.processSubstitution(name);
      case COLON:
        nullIsUnset = true;
        if (this.pos >= len) throw new ExpansionFailure("syntax error: missing '}'");
        op = this.nextCodePoint();
        modifier += String.fromCodePoint(op);
        if (op === HASH || op === PERCENT) {
          throw new ExpansionFailure(`unsupported modifier (${modifier}) in substitution`);
        }
        break;
      case PLUS:
      case MINUS:
      case QUESTION:
      case HASH:
      case PERCENT:
        break;
      default:
        throw new ExpansionFailure(`unsupported modifier (${modifier}) in substitution`);
    }

    const patternOp = op === HASH || op === PERCENT;
    const word = this.nested(RIGHT_BRACE, patternOp, "syntax error: missing '}'");
    const value = this.lookup(name);
    const set = value !== undefined;
    if (!set && this.options.skipUnsetEnv) return "${" + name + modifier + word + "}";
    const missing = !set || (nullIsUnset && value === "");

    switch (op) {
      case MINUS:
        return missing ? word : value!;
      case PLUS:
        return missing ? "" : word;
      case QUESTION:
        if (!set) throw new ExpansionFailure(`${name}: ${word || "is not allowed to be unset"}`, name);
        if (missing) throw new ExpansionFailure(`${name}: ${word || "is not allowed to be empty"}`, name);
        return value!;
      case HASH:
      case PERCENT: {
        // A doubled operator (`##`, `%%`) asks for the longest match; checked after expansion.
        const longest = word.charCodeAt(0) === op;
        const pattern = longest ? word.slice(1) : word;
        try {
          return op === HASH
            ? trimPrefix(value ?? "", pattern, longest)
            : trimSuffix(value ?? "", pattern, longest);
        } catch (e) {
          throw patternFailure(e);
        }
      }
      default:
        // `${name:x...}` with an unknown x: the word was scanned and the name looked up first.
        throw new ExpansionFailure(`unsupported modifier (${modifier}) in substitution`);
    }
  }

  /** `${name/pattern/replacement}` and `${name//pattern/replacement}`; cursor after the `/`. */
  private processSubstitution(name: string): string {
    let all = false;
    if (this.pos < this.src.length && this.src.charCodeAt(this.pos) === SLASH) {
      all = true;
      this.pos++;
    }
    const pattern = this.nested(SLASH, true, "syntax error: missing '/' in ${}");
    const replacement = this.nested(RIGHT_BRACE, true, "syntax error: missing '}'");
    const value = this.lookup(name);
    // BuildKit writes a single `/` back even for `//`.
    if (value === undefined && this.options.skipUnsetEnv) return "${" + name + "/" + pattern + "/" + replacement + "}";
    let tokens: PatternTokens;
    try {
      tokens = compilePattern(pattern);
    } catch (e) {
      throw patternFailure(e);
    }
    return all ? replaceAll(value ?? "", tokens, replacement) : replaceFirst(value ?? "", tokens, replacement);
  }

  /**
   * Scans a nested word part up to `stop`. A failure that leaves the cursor at the end of the
   * word (the part, or something in it, was never closed) becomes `eofReason`.
   */
  private nested(stop: number, rawEscapes: boolean, eofReason: string): string {
    try {
      return this.processStopOn(stop, rawEscapes, null);
    } catch (e) {
      if (e instanceof ExpansionFailure && this.pos >= this.src.length) throw new ExpansionFailure(eofReason);
      throw e;
    }
  }

  /**
   * A name: a run of digits (`$1`, `$10`: positional parameters, looked up like any name), or
   * one special parameter character, or letters, digits and `_`. "" when none is there.
   */
  private processName(): string {
    const src = this.src;
    const len = src.length;
    const start = this.pos;
    if (start >= len) return "";
    const first = src.codePointAt(start)!;
    if (isDigitCode(first)) {
      while (this.pos < len) {
        const c = src.codePointAt(this.pos)!;
        if (!isDigitCode(c)) break;
        this.pos += c > 0xffff ? 2 : 1;
      }
      return src.slice(start, this.pos);
    }
    if (isSpecialParamCode(first)) {
      this.pos++;
      return src[start]!;
    }
    if (!(first === UNDERSCORE || isLetterCode(first))) return "";
    let p = start;
    while (p < len) {
      const c = src.charCodeAt(p);
      if (c < 0x80) {
        // ASCII fast path: [A-Za-z0-9_]
        if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === UNDERSCORE) {
          p++;
          continue;
        }
        break;
      }
      const cp = src.codePointAt(p)!;
      if (!isNameCode(cp)) break;
      p += cp > 0xffff ? 2 : 1;
    }
    this.pos = p;
    return src.slice(start, p);
  }

  private nextCodePoint(): number {
    const c = this.src.codePointAt(this.pos)!;
    this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  private lookup(name: string): string | undefined {
    const value = this.lookupEnv(name);
    if (this.options.track) {
      if (value === undefined) (this.unmatched ??= new Set()).add(name);
      else (this.matched ??= new Set()).add(name);
    }
    return value;
  }
}

function patternFailure(e: unknown): unknown {
  if (e instanceof PatternError) {
    return new ExpansionFailure(`invalid pattern (${e.pattern}) in substitution: ${e.message}`);
  }
  return e;
}

