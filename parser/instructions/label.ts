import type { LabelInstruction } from "../ast.js";
import { argumentsWord, readFlags, type InstructionInput } from "./context.js";
import { parseKeyValues } from "./keyvalue.js";

/** `LABEL k=v ...` or legacy `LABEL k v`. */
export function parseLabel(input: InstructionInput): LabelInstruction {
  readFlags(input, {});
  return { kind: "LABEL", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, pairs: parseKeyValues(input) };
}
