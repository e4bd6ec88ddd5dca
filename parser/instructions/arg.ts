import type { ArgDefinition, ArgInstruction } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { parseWords } from "../words.js";
import { argumentsWord, readFlags, reportMissing, type InstructionInput } from "./context.js";

/** `ARG name[=default] ...` */
export function parseArg(input: InstructionInput): ArgInstruction {
  readFlags(input, {});
  const words = parseWords(input.rest, input.escapeChar, input.restStart);
  if (words.length === 0) reportMissing(input, "ARG requires at least one argument");
  const args: ArgDefinition[] = words.map((w) => {
    const eq = w.text.indexOf("=");
    const range = input.at(w.start, w.end);
    const name = eq < 0 ? w.text : w.text.slice(0, eq);
    if (name === "") input.report(ParseCodes.invalidArguments, "ARG names can not be blank", range);
    return { name, defaultValue: eq < 0 ? null : w.text.slice(eq + 1), range };
  });
  return { kind: "ARG", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, args };
}
