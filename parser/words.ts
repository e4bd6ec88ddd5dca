/**
 * The ways BuildKit splits an instruction's argument text into words. Each keeps the offsets of
 * every word in the logical line so the AST can point at it.
 */

export interface RawWord {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Go's unicode.IsSpace for the characters BuildKit meets: " \t\n\v\f\r", U+0085, U+00A0. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0;
}

/** BuildKit's `[\t\v\f\r ]+` splitting (FROM, EXPOSE, COPY/ADD/VOLUME shell form). */
export function whitespaceWords(text: string, base = 0): RawWord[] {
  // A loop over char codes, not a global regex: no match object per word.
  const words: RawWord[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    while (i < n && isSplitBlank(text.charCodeAt(i))) i++;
    if (i >= n) return words;
    const start = i;
    while (i < n && !isSplitBlank(text.charCodeAt(i))) i++;
    words.push({ text: text.slice(start, i), start: base + start, end: base + i });
  }
}

/** `[\t\v\f\r ]` (not "\n"). */
function isSplitBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

/**
 * Shell-like words with quotes kept (BuildKit's `parseWords`, used by ENV, LABEL and ARG): a
 * quoted part may contain blanks; the escape character and the character after it are kept.
 */
export function parseWords(text: string, escape: string, base = 0): RawWord[] {
  // A word is always the text from its start to its end, except that an escape character at the
  // very end of the text is dropped: slice instead of building it a character at a time. Char
  // codes, not one-character strings, and no closure: this runs for every ENV/LABEL/ARG.
  const words: RawWord[] = [];
  const esc = escape.charCodeAt(0);
  let start = -1;
  let quote = 0;
  let blankOK = false;
  let inQuote = false;
  const n = text.length;
  let cut = n;
  for (let pos = 0; pos < n; pos++) {
    const ch = text.charCodeAt(pos);
    if (start < 0) {
      if (isSpace(ch)) continue;
      start = pos;
    }
    if (!inQuote) {
      if (isSpace(ch)) {
        pushWord(words, text, start, pos, cut, blankOK, base);
        start = -1;
        blankOK = false;
        continue;
      }
      if (ch === 39 /* ' */ || ch === 34 /* " */) {
        quote = ch;
        blankOK = true;
        inQuote = true;
      }
      if (ch === esc) {
        if (pos + 1 === n) cut = pos; // an escape at the very end is dropped
        else pos++;
      }
      continue;
    }
    if (ch === quote) inQuote = false;
    if (ch === esc && quote !== 39) {
      if (pos + 1 === n) {
        inQuote = false;
        cut = pos;
        continue;
      }
      pos++;
    }
  }
  if (start >= 0) pushWord(words, text, start, n, cut, blankOK, base);
  return words;
}

function pushWord(words: RawWord[], text: string, start: number, end: number, cut: number, blankOK: boolean, base: number): void {
  const word = text.slice(start, end < cut ? end : cut);
  if (blankOK || word.length > 0) words.push({ text: word, start: base + start, end: base + end });
}

/** Words split on unquoted blanks with quotes and escapes kept as written (heredoc detection). */
export function splitRawWords(text: string, escape: string): RawWord[] {
  const words: RawWord[] = [];
  const esc = escape.charCodeAt(0);
  let start = -1;
  let quote = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    if (quote !== 0) {
      if (c === quote) quote = 0;
      else if (c === esc && quote === 34) i++;
      continue;
    }
    if (isSpace(c)) {
      if (start >= 0) words.push({ text: text.slice(start, Math.min(i, text.length)), start, end: Math.min(i, text.length) });
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (c === 39 || c === 34) quote = c;
    else if (c === esc) i++;
  }
  return words;
}

export type JsonArrayResult =
  | { readonly kind: "array"; readonly values: string[] }
  /** Valid JSON array with a non-string element: an error in Docker. */
  | { readonly kind: "not-strings" }
  | { readonly kind: "not-json" };

/**
 * The common exec form: strings without escapes or control characters (each is its own value),
 * read without JSON.parse, which cost 1.3% of lint time. Whitespace is JSON's: space, \t, \n, \r.
 */
const SIMPLE_JSON_ARRAY = /^\[[ \t\n\r]*(?:"[^"\\\x00-\x1f]*"[ \t\n\r]*(?:,[ \t\n\r]*"[^"\\\x00-\x1f]*"[ \t\n\r]*)*)?\][ \t\n\r]*$/;

/** BuildKit's parseJSON: a JSON array of strings and nothing after it. */
export function parseJsonArray(text: string): JsonArrayResult {
  const t = text.trimStart();
  if (!t.startsWith("[")) return { kind: "not-json" };
  // JSON.parse would throw (slow) on the common shell form `RUN [ -f x ] && …`; an array must end
  // with `]` (JSON allows only whitespace after it).
  if (t.trimEnd().at(-1) !== "]") return { kind: "not-json" };
  if (SIMPLE_JSON_ARRAY.test(t)) {
    // Every `"` delimits a string (none has escapes): read them with indexOf, not matchAll.
    const values: string[] = [];
    for (let k = t.indexOf('"'); k >= 0; ) {
      const end = t.indexOf('"', k + 1);
      values.push(t.slice(k + 1, end));
      k = t.indexOf('"', end + 1);
    }
    return { kind: "array", values };
  }
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return { kind: "not-json" };
  }
  if (!Array.isArray(v)) return { kind: "not-json" };
  if (!v.every((x) => typeof x === "string")) return { kind: "not-strings" };
  return { kind: "array", values: v as string[] };
}
