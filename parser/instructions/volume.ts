import type { VolumeInstruction } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { argumentsWord, readFlags, reportMissing, type InstructionInput } from "./context.js";
import { parseList } from "./list.js";

/** `VOLUME ["/a", "/b"]` or `VOLUME /a /b`. */
export function parseVolume(input: InstructionInput): VolumeInstruction {
  readFlags(input, {});
  const list = parseList(input);
  if (list.words.length === 0) reportMissing(input, "VOLUME requires at least one argument");
  for (const w of list.words) {
    if (w.text.trim() === "") input.report(ParseCodes.invalidArguments, "VOLUME specified can not be an empty string", w.range);
  }
  return { kind: "VOLUME", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, form: list.form, paths: list.words };
}
