/**
 * Finds heredoc markers (`<<EOF`, `<<-EOF`, `<<"EOF"`, `3<<EOF`) in a logical RUN/COPY/ADD line
 * (also inside ONBUILD), as BuildKit does: the line is split into shell words with quotes kept,
 * and every word of the form `[fd]<<[-]delimiter` is a heredoc. Exec (JSON) form has none.
 */
import { splitRawWords } from "./words.js";

export interface HeredocMarker {
  readonly name: string;
  readonly fileDescriptor: number;
  readonly expand: boolean;
  readonly chomp: boolean;
  /** Offsets in the logical line. */
  readonly start: number;
  readonly end: number;
}

const HEREDOC_KEYWORDS = new Set(["run", "copy", "add"]);
const MARKER = /^(\d*)<<(-?)([^<]*)$/;

export function findHeredocMarkers(line: string): HeredocMarker[] {
  if (line.indexOf("<<") < 0) return [];
  const words = splitRawWords(line, "\\");
  let i = 0;
  let keyword = words[i]?.text.toLowerCase();
  if (keyword === "onbuild") keyword = words[++i]?.text.toLowerCase();
  if (keyword === undefined || !HEREDOC_KEYWORDS.has(keyword)) return [];
  i++;
  while (i < words.length && words[i]!.text.startsWith("--")) i++;
  if (i < words.length && isJsonStringArray(line.slice(words[i]!.start))) return [];

  const markers: HeredocMarker[] = [];
  for (; i < words.length; i++) {
    const word = words[i]!;
    // Only a word with `<<` can be a marker: no regex run for the others (most).
    if (word.text.indexOf("<<") < 0) continue;
    const m = MARKER.exec(word.text);
    if (!m || m[3] === "") continue;
    const rest = m[3]!;
    const unquoted = removeQuotes(rest);
    if (unquoted === null || unquoted === "") continue;
    markers.push({
      name: unquoted,
      fileDescriptor: m[1] ? Number(m[1]) : 0,
      expand: !/["']/.test(rest),
      chomp: m[2] === "-",
      start: word.start,
      end: word.end,
    });
  }
  return markers;
}

/** Removes shell quotes and backslash escapes from one word; null when it is not one word. */
function removeQuotes(word: string): string | null {
  let out = "";
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!;
    if (c === "'" || c === '"') {
      const close = word.indexOf(c, i + 1);
      if (close < 0) return null;
      out += word.slice(i + 1, close);
      i = close;
    } else if (c === "\\" && i + 1 < word.length) {
      out += word[++i];
    } else if (c === " " || c === "\t") {
      return null;
    } else {
      out += c;
    }
  }
  return out;
}

export function isJsonStringArray(text: string): boolean {
  const t = text.trimStart();
  if (!t.startsWith("[")) return false;
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) && v.every((x) => typeof x === "string");
  } catch {
    return false;
  }
}
