import type { EnvInstruction } from "../ast.js";
import { argumentsWord, readFlags, type InstructionInput } from "./context.js";
import { parseKeyValues } from "./keyvalue.js";

/** `ENV k=v ...` or legacy `ENV k v`. */
export function parseEnv(input: InstructionInput): EnvInstruction {
  readFlags(input, {});
  return { kind: "ENV", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, pairs: parseKeyValues(input) };
}
