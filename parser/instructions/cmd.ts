import type { CmdInstruction } from "../ast.js";
import { parseCommand } from "./command.js";
import { baseFields, readFlags, type InstructionInput } from "./context.js";

/** `CMD ["exec", "form"]` or `CMD shell form`. */
export function parseCmd(input: InstructionInput): CmdInstruction {
  readFlags(input, {});
  return { kind: "CMD", ...baseFields(input), command: parseCommand(input, input.rest, input.restStart) };
}
