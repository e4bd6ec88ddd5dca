/**
 * BuildKit's `Node.Dump` S-expression format, as its parser tests print it: one
 * `(instruction ...)` per line, lower-cased keyword, flags as a Go-quoted list, arguments as
 * Go-quoted strings, ENV/LABEL as key/value/separator triples. This lets kiln's parser be
 * checked line for line against the reference parser.
 */
import type { Dockerfile, Instruction, Word } from "./ast.js";
import { assertNever } from "../util/errors.js";
import { parseJsonArray, parseWords, whitespaceWords } from "./words.js";

/** Go's strconv.Quote for the characters a Dockerfile can hold. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case "\\": out += "\\\\"; continue;
      case "\x07": out += "\\a"; continue;
      case "\b": out += "\\b"; continue;
      case "\f": out += "\\f"; continue;
      case "\n": out += "\\n"; continue;
      case "\r": out += "\\r"; continue;
      case "\t": out += "\\t"; continue;
      case "\v": out += "\\v"; continue;
    }
    if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else if ((c >= 0x80 && c < 0xa0) || c === 0xa0 || c === 0xad || c === 0x2028 || c === 0x2029 || (c >= 0xd800 && c < 0xe000) || c === 0xfeff || c === 0xfffe || c === 0xffff) {
      out += c > 0xffff ? "\\U" + c.toString(16).padStart(8, "0") : "\\u" + c.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + '"';
}

function maybeJson(rest: string): string[] {
  if (rest === "") return [];
  const json = parseJsonArray(rest);
  return json.kind === "array" ? json.values : [rest];
}

function maybeJsonList(rest: string): string[] {
  const json = parseJsonArray(rest);
  return json.kind === "array" ? json.values : whitespaceWords(rest).map((w) => w.text);
}

/** The argument values BuildKit's line parser would put in the node's `Next` chain. */
function nextValues(ins: Instruction, escape: string): string[] {
  const rest = ins.arguments.text;
  switch (ins.kind) {
    case "FROM":
    case "EXPOSE":
      return whitespaceWords(rest).map((w) => w.text);
    case "ADD":
    case "COPY":
    case "VOLUME":
      return maybeJsonList(rest);
    case "ARG":
      return parseWords(rest, escape).map((w) => w.text);
    case "CMD":
    case "ENTRYPOINT":
    case "RUN":
    case "SHELL":
      return maybeJson(rest);
    case "ENV":
    case "LABEL":
      return ins.pairs.flatMap((p) => [p.key, p.value, p.separator === "=" ? "=" : ""]);
    case "HEALTHCHECK": {
      const m = /^([^\t\v\f\r ]+)[\t\v\f\r ]*/.exec(rest);
      return m ? [m[1]!, ...maybeJson(rest.slice(m[0].length))] : [];
    }
    case "MAINTAINER":
    case "STOPSIGNAL":
    case "USER":
    case "WORKDIR":
      return rest === "" ? [] : [rest];
    case "ONBUILD":
      return [];
    default:
      return assertNever(ins, "instruction");
  }
}

export function dumpInstruction(ins: Instruction, escape: "\\" | "`" = "\\"): string {
  let s = ins.keyword.toLowerCase();
  if (ins.flags.length > 0) {
    s += " [" + ins.flags.map((f) => goQuote(`--${f.name}${f.value === null ? "" : "=" + f.value}`)).join(" ") + "]";
  }
  if (ins.kind === "ONBUILD" && ins.trigger) s += " (" + dumpInstruction(ins.trigger, escape) + ")";
  for (const v of nextValues(ins, escape)) s += " " + goQuote(v);
  return s.trim();
}

/** The whole file, one line per instruction, newline-terminated. */
export function dump(dockerfile: Dockerfile): string {
  return dockerfile.instructions.map((i) => `(${dumpInstruction(i, dockerfile.escapeChar)})\n`).join("");
}

export type { Word };
