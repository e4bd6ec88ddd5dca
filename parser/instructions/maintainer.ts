import type { MaintainerInstruction } from "../ast.js";
import { argumentsWord, readFlags, reportMissing, type InstructionInput } from "./context.js";

/** `MAINTAINER name` (deprecated; the whole text is the name). */
export function parseMaintainer(input: InstructionInput): MaintainerInstruction {
  readFlags(input, {});
  if (input.rest === "") reportMissing(input, "MAINTAINER requires exactly one argument");
  return { kind: "MAINTAINER", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, name: input.rest };
}
