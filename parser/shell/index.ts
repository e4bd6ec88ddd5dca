/**
 * Docker's word processing: quote and escape removal, `$` variable expansion, and (for
 * processWords) splitting into fields, behaving as BuildKit's `frontend/dockerfile/shell`
 * package does on Linux. The supported syntax is described in docs/shell.md.
 */
import { ExpansionFailure, ShellExpansionError } from "./errors.js";
import { type EnvLookup, ShellLexer } from "./lexer.js";
import { WordSplitter } from "./words.js";

export { ShellExpansionError } from "./errors.js";
export { EXPANSION_RULES, FLAG_EXPANSION_RULES } from "./rules.js";
export type { ExpansionRule } from "./rules.js";

/** Variables visible to the expansion. Names are case-sensitive (Linux semantics). */
export type ShellEnv = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

export interface ShellOptions {
  /** The Dockerfile's escape character (`# escape=` directive); `\` by default. */
  escapeChar?: "\\" | "`";
  /**
   * Leave references to unset variables as written (`$x`, `${x}`, `${x:-w}` with `w`
   * already processed) instead of expanding them; set variables are still expanded and
   * quotes and escapes still removed.
   */
  skipUnsetEnv?: boolean;
  /**
   * Treat `'` and `"` as ordinary characters (BuildKit's SkipProcessQuotes). The builder uses
   * it, with the backslash escape, for the bodies of ADD/COPY heredocs with an unquoted
   * delimiter.
   */
  skipProcessQuotes?: boolean;
}

/** A processed word and the variable names it referred to. */
export interface Expansion {
  value: string;
  /** Names looked up that were set (even to ""). */
  matched: ReadonlySet<string>;
  /** Names looked up that were unset (the UndefinedVar lint rule reads these). */
  unmatched: ReadonlySet<string>;
}

const BACKSLASH = 0x5c;
const BACKTICK = 0x60;
const EMPTY: ReadonlySet<string> = new Set<string>();

/**
 * Expands `word` and removes its quotes and escapes, without field splitting (BuildKit's
 * ProcessWord). Throws ShellExpansionError.
 */
export function processWord(word: string, env: ShellEnv, options?: ShellOptions): string {
  const escape = escapeCode(options);
  if (isPlain(word, escape, options)) return word;
  return run(word, env, options, escape, false, null).value;
}

/** processWord, also reporting which variables were referred to (BuildKit's ProcessWordWithMatches). */
export function processWordWithMatches(word: string, env: ShellEnv, options?: ShellOptions): Expansion {
  const escape = escapeCode(options);
  if (isPlain(word, escape, options)) return { value: word, matched: EMPTY, unmatched: EMPTY };
  const { value, lexer } = run(word, env, options, escape, true, null);
  return { value, matched: lexer.matched ?? EMPTY, unmatched: lexer.unmatched ?? EMPTY };
}

/**
 * Expands `word` and splits the result into fields on white space that was neither quoted nor
 * escaped, including white space inside expanded values (BuildKit's ProcessWords). Empty
 * fields are dropped. Throws ShellExpansionError.
 */
export function processWords(word: string, env: ShellEnv, options?: ShellOptions): string[] {
  const escape = escapeCode(options);
  const words = new WordSplitter();
  if (isPlain(word, escape, options)) {
    words.addSplittable(word);
  } else {
    run(word, env, options, escape, false, words);
  }
  return words.finish();
}

function run(
  word: string,
  env: ShellEnv,
  options: ShellOptions | undefined,
  escape: number,
  track: boolean,
  words: WordSplitter | null,
): { value: string; lexer: ShellLexer } {
  const lexer = new ShellLexer(word, lookupIn(env), {
    escape,
    skipUnsetEnv: options?.skipUnsetEnv === true,
    skipProcessQuotes: options?.skipProcessQuotes === true,
    track,
  });
  try {
    return { value: lexer.run(words), lexer };
  } catch (e) {
    if (e instanceof ExpansionFailure) throw new ShellExpansionError(word, e.reason, e.variable);
    throw e;
  }
}

function escapeCode(options: ShellOptions | undefined): number {
  const escape = options?.escapeChar;
  if (escape === undefined || escape === "\\") return BACKSLASH;
  if (escape === "`") return BACKTICK;
  throw new TypeError(`escapeChar must be "\\" or "\`", not ${JSON.stringify(escape)}`);
}

/** True when the word has nothing to process: no `$`, quote, escape or leading BOM. */
/** True when processWord(word) is `word` itself: nothing to expand, unquote or unescape. */
export function isPlainWord(word: string, options?: ShellOptions): boolean {
  return isPlain(word, escapeCode(options), options);
}

function isPlain(word: string, escape: number, options: ShellOptions | undefined): boolean {
  const quotes = options?.skipProcessQuotes !== true;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c === 0x24 || c === escape || (quotes && (c === 0x22 || c === 0x27))) return false;
  }
  return word.charCodeAt(0) !== 0xfeff;
}

function lookupIn(env: ShellEnv): EnvLookup {
  if (isMap(env)) return (name) => env.get(name);
  const proto: unknown = Object.getPrototypeOf(env);
  if (proto === Object.prototype || proto === null) {
    // What a plain object inherits (constructor, toString, __proto__...) is never a string,
    // so a string value is an own variable: no hasOwn call on the hot path.
    return (name) => {
      const value: unknown = (env as Readonly<Record<string, unknown>>)[name];
      return typeof value === "string" ? value : undefined;
    };
  }
  return (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
}

function isMap(env: ShellEnv): env is ReadonlyMap<string, string> {
  return typeof (env as ReadonlyMap<string, string>).get === "function" && typeof (env as ReadonlyMap<string, string>).has === "function";
}
