import type { EnvInstruction } from "../ast.js";
import { baseFields, readFlags, type InstructionInput } from "./context.js";
import { parseKeyValues } from "./keyvalue.js";

/** `ENV k=v ...` or legacy `ENV k v`. */
export function parseEnv(input: InstructionInput): EnvInstruction {
  readFlags(input, {});
  return { kind: "ENV", ...baseFields(input), pairs: parseKeyValues(input) };
}
