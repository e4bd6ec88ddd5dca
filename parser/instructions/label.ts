import type { LabelInstruction } from "../ast.js";
import { baseFields, readFlags, type InstructionInput } from "./context.js";
import { parseKeyValues } from "./keyvalue.js";

/** `LABEL k=v ...` or legacy `LABEL k v`. */
export function parseLabel(input: InstructionInput): LabelInstruction {
  readFlags(input, {});
  return { kind: "LABEL", ...baseFields(input), pairs: parseKeyValues(input) };
}
