/**
 * Character classes with Go's `unicode` semantics, which BuildKit's lexer uses: names are
 * Unicode letters, decimal digits and `_`; word splitting breaks on Unicode white space.
 * ASCII is answered by comparisons; only non-ASCII falls through to a (module-level,
 * compiled once) Unicode property test.
 */

const LETTER = /^\p{L}$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** Go `unicode.IsSpace`: \t \n \v \f \r space, U+0085, U+00A0 and the Unicode White_Space set. */
export function isSpaceCode(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go `unicode.IsDigit` (Unicode decimal digits, Nd) for a code point. */
export function isDigitCode(c: number): boolean {
  if (c < 0x80) return c >= 0x30 && c <= 0x39;
  return DECIMAL_DIGIT.test(String.fromCodePoint(c));
}

/** Go `unicode.IsLetter` (any Unicode letter, L) for a code point. */
export function isLetterCode(c: number): boolean {
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  return LETTER.test(String.fromCodePoint(c));
}

/** A character that may continue a variable name: letter, decimal digit or `_`. */
export function isNameCode(c: number): boolean {
  if (c < 0x80) {
    return (
      (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f
    );
  }
  return LETTER.test(String.fromCodePoint(c)) || DECIMAL_DIGIT.test(String.fromCodePoint(c));
}

/**
 * POSIX special parameters (`$@ $* $# $? $- $$ $! $0`): each is a one-character name. Docker
 * looks them up in the environment like any other name, so they expand to "" unless set.
 */
export function isSpecialParamCode(c: number): boolean {
  switch (c) {
    case 0x40: // @
    case 0x2a: // *
    case 0x23: // #
    case 0x3f: // ?
    case 0x2d: // -
    case 0x24: // $
    case 0x21: // !
    case 0x30: // 0
      return true;
    default:
      return false;
  }
}
