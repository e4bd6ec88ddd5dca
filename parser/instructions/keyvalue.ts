/** `key=value ...` or legacy `key value`, shared by ENV and LABEL (BuildKit's parseNameVal). */
import type { KeyValue } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { parseWords } from "../words.js";
import { reportMissing, type InstructionInput } from "./context.js";

export function parseKeyValues(input: InstructionInput): KeyValue[] {
  const { rest, restStart, kind } = input;
  const words = parseWords(rest, input.escapeChar, restStart);
  if (words.length === 0) {
    reportMissing(input, `${kind} requires at least one argument`);
    return [];
  }
  if (!words[0]!.text.includes("=")) {
    const m = /[\t\v\f\r ]+/.exec(rest);
    if (!m) {
      input.report(ParseCodes.invalidArguments, `${kind} must have two arguments (the legacy form is ${kind} key value)`, input.at(restStart, restStart + rest.length));
      return [];
    }
    return [{ key: rest.slice(0, m.index), value: rest.slice(m.index + m[0].length), separator: " ", range: input.at(restStart, restStart + rest.length) }];
  }
  const pairs: KeyValue[] = [];
  for (const w of words) {
    const eq = w.text.indexOf("=");
    const range = input.at(w.start, w.end);
    if (eq < 0) {
      input.report(ParseCodes.invalidArguments, `can't find = in "${w.text}"; must be of the form: name=value`, range);
      continue;
    }
    if (eq === 0) input.report(ParseCodes.invalidArguments, `${kind} names can not be blank`, range);
    pairs.push({ key: w.text.slice(0, eq), value: w.text.slice(eq + 1), separator: "=", range });
  }
  return pairs;
}
