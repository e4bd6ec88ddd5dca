import type { WorkdirInstruction } from "../ast.js";
import { argumentsWord, readFlags, reportMissing, word, type InstructionInput } from "./context.js";

/** `WORKDIR path` (the whole text). */
export function parseWorkdir(input: InstructionInput): WorkdirInstruction {
  readFlags(input, {});
  if (input.rest === "") reportMissing(input, "WORKDIR requires exactly one argument");
  const path = input.rest === "" ? null : word(input, input.rest, input.restStart, input.restStart + input.rest.length);
  return { kind: "WORKDIR", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, path };
}
