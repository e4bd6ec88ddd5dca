import type { EntrypointInstruction } from "../ast.js";
import { parseCommand } from "./command.js";
import { argumentsWord, readFlags, type InstructionInput } from "./context.js";

/** `ENTRYPOINT ["exec", "form"]` or `ENTRYPOINT shell form`. */
export function parseEntrypoint(input: InstructionInput): EntrypointInstruction {
  readFlags(input, {});
  const args = argumentsWord(input);
  return { kind: "ENTRYPOINT", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: args, heredocs: input.heredocs, command: parseCommand(input, input.rest, input.restStart, args.range) };
}
