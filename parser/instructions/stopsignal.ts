import type { StopsignalInstruction } from "../ast.js";
import { argumentsWord, readFlags, reportMissing, word, type InstructionInput } from "./context.js";

/** `STOPSIGNAL signal` (name like SIGTERM or a number; checked when the image is made). */
export function parseStopsignal(input: InstructionInput): StopsignalInstruction {
  readFlags(input, {});
  if (input.rest === "") reportMissing(input, "STOPSIGNAL requires exactly one argument");
  const signal = input.rest === "" ? null : word(input, input.rest, input.restStart, input.restStart + input.rest.length);
  return { kind: "STOPSIGNAL", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, signal };
}
