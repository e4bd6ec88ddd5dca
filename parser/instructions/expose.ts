import type { ExposeInstruction } from "../ast.js";
import { whitespaceWords } from "../words.js";
import { argumentsWord, readFlags, reportMissing, word, type InstructionInput } from "./context.js";

/** `EXPOSE port[/proto] ...` */
export function parseExpose(input: InstructionInput): ExposeInstruction {
  readFlags(input, {});
  const ports = whitespaceWords(input.rest, input.restStart).map((w) => word(input, w.text, w.start, w.end));
  if (ports.length === 0) reportMissing(input, "EXPOSE requires at least one argument");
  return { kind: "EXPOSE", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, ports };
}
