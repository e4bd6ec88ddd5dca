import { KilnError } from "../../util/errors.js";

/**
 * Thrown when a word cannot be expanded: bad substitution syntax, an unterminated quote or
 * `${`, an unsupported modifier, an invalid pattern, or a `${v?msg}` / `${v:?msg}` whose
 * variable is unset (or empty). The message reads like BuildKit's:
 * `failed to process "<word>": <reason>`.
 */
export class ShellExpansionError extends KilnError {
  /** The word as given to the expander. */
  readonly word: string;
  /** The reason alone, without the `failed to process` prefix. */
  readonly reason: string;
  /** For `${v?msg}` / `${v:?msg}` failures: the variable's name; otherwise null. */
  readonly variable: string | null;

  constructor(word: string, reason: string, variable: string | null = null) {
    super("shell-expansion", `failed to process ${quote(word)}: ${reason}`);
    this.word = word;
    this.reason = reason;
    this.variable = variable;
  }
}

/**
 * Internal failure raised while scanning; carries only the reason. The public functions turn
 * it into a ShellExpansionError naming the whole word. Not an Error subclass: it never escapes
 * this folder, so it needs no stack.
 */
export class ExpansionFailure {
  constructor(
    readonly reason: string,
    readonly variable: string | null = null,
  ) {}
}

/** A Go-`%q`-like rendering of the word (JSON quoting is close enough for messages). */
function quote(word: string): string {
  return JSON.stringify(word);
}
