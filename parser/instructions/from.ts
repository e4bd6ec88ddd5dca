import type { FromInstruction, Word } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { whitespaceWords } from "../words.js";
import { argumentsWord, readFlags, reportMissing, word, type InstructionInput } from "./context.js";

const STAGE_NAME = /^[a-z][a-z0-9\-_.]*$/;

/** `FROM [--platform=P] image [AS name]` */
export function parseFrom(input: InstructionInput): FromInstruction {
  const flags = readFlags(input, { platform: "string" });
  const words = whitespaceWords(input.rest, input.restStart).map((w) => word(input, w.text, w.start, w.end));
  let image: Word | null = words[0] ?? null;
  let asKeyword: Word | null = null;
  let stageName: Word | null = null;
  if (words.length === 0) reportMissing(input, "FROM requires either one or three arguments");
  else if (words.length === 3) {
    asKeyword = words[1]!;
    stageName = words[2]!;
    if (asKeyword.text.toLowerCase() !== "as") {
      input.report(ParseCodes.invalidArguments, `second argument of FROM should be AS, not "${asKeyword.text}"`, asKeyword.range);
    } else if (!STAGE_NAME.test(stageName.text.toLowerCase())) {
      input.report(
        ParseCodes.invalidArguments,
        `invalid name for build stage: "${stageName.text}", name can't start with a number or contain symbols`,
        stageName.range,
      );
    }
  } else if (words.length !== 1) {
    input.report(ParseCodes.invalidArguments, `FROM requires either one or three arguments, got ${words.length}`, input.at(input.restStart, input.restStart + input.rest.length));
  }
  if (image === undefined) image = null;
  return { kind: "FROM", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, image, stageName, asKeyword, platform: flags.strings.get("platform") ?? null };
}
