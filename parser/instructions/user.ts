import type { UserInstruction } from "../ast.js";
import { argumentsWord, readFlags, reportMissing, word, type InstructionInput } from "./context.js";

/** `USER user[:group]` (the whole text, as Docker takes it). */
export function parseUser(input: InstructionInput): UserInstruction {
  readFlags(input, {});
  if (input.rest === "") reportMissing(input, "USER requires exactly one argument");
  const user = input.rest === "" ? null : word(input, input.rest, input.restStart, input.restStart + input.rest.length);
  return { kind: "USER", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, user };
}
