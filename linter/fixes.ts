/**
 * Helpers for rules that offer fixes: when is a shell-form command plain enough to become JSON,
 * and how to write a `key=value` value so it means what the legacy form meant.
 */

/** Shell keywords and builtins: `CMD exec foo` must keep its shell. */
const SHELL_WORDS = new Set([
  "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "in",
  "function", "select", "time", "!", "{", "}", "[[", "]]", ".", ":", "source", "exec", "export",
  "cd", "set", "unset", "eval", "alias", "read", "trap", "ulimit", "umask", "wait", "shift",
  "local", "return", "exit", "break", "continue", "readonly", "declare", "typeset", "let",
]);

/**
 * The words of a shell-form command when running it without a shell is equivalent: only plain
 * words (letters, digits and `_ . / : = @ % + , -`), separated by blanks on one line, the first
 * neither a shell keyword/builtin nor an assignment. Anything else (`$`, quotes, globs, `~`,
 * operators, redirections, escapes, comments, braces) returns null.
 */
export function plainCommandWords(text: string): string[] | null {
  if (!/^[ \t]*[A-Za-z0-9_./:=@%+,-]+([ \t]+[A-Za-z0-9_./:=@%+,-]+)*[ \t]*$/.test(text)) return null;
  const words = text.trim().split(/[ \t]+/);
  const first = words[0]!;
  if (SHELL_WORDS.has(first) || first.includes("=")) return null;
  return words;
}

/** `["a", "b"]`, the way people write exec form. */
export function jsonArray(words: readonly string[]): string {
  return `[${words.map((w) => JSON.stringify(w)).join(", ")}]`;
}

/**
 * The value of a legacy `ENV k v` / `LABEL k v` rewritten for `k=v`, or null when that cannot be
 * done without changing its meaning (quotes or escapes whose processing differs between forms).
 */
export function keyValueValue(value: string, escapeChar: string): string | null {
  if (/["'`\\\n\r]/.test(value) || value.includes(escapeChar)) return null;
  if (value === "") return '""';
  return /\s/.test(value) ? `"${value}"` : value;
}

/** A double-quoted Dockerfile string for `text` (for LABEL values): `"`, `\` and `$` escaped. */
export function dockerQuote(text: string): string {
  return `"${text.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}
