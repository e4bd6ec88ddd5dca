import type { CmdInstruction } from "../ast.js";
import { parseCommand } from "./command.js";
import { argumentsWord, readFlags, type InstructionInput } from "./context.js";

/** `CMD ["exec", "form"]` or `CMD shell form`. */
export function parseCmd(input: InstructionInput): CmdInstruction {
  readFlags(input, {});
  const args = argumentsWord(input);
  return { kind: "CMD", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: args, heredocs: input.heredocs, command: parseCommand(input, input.rest, input.restStart, args.range) };
}
