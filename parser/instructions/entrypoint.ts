import type { EntrypointInstruction } from "../ast.js";
import { parseCommand } from "./command.js";
import { baseFields, readFlags, type InstructionInput } from "./context.js";

/** `ENTRYPOINT ["exec", "form"]` or `ENTRYPOINT shell form`. */
export function parseEntrypoint(input: InstructionInput): EntrypointInstruction {
  readFlags(input, {});
  return { kind: "ENTRYPOINT", ...baseFields(input), command: parseCommand(input, input.rest, input.restStart) };
}
