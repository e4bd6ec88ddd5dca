import type { MaintainerInstruction } from "../ast.js";
import { baseFields, readFlags, reportMissing, type InstructionInput } from "./context.js";

/** `MAINTAINER name` (deprecated; the whole text is the name). */
export function parseMaintainer(input: InstructionInput): MaintainerInstruction {
  readFlags(input, {});
  if (input.rest === "") reportMissing(input, "MAINTAINER requires exactly one argument");
  return { kind: "MAINTAINER", ...baseFields(input), name: input.rest };
}
