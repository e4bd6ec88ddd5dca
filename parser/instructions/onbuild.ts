import type { OnbuildInstruction } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { argumentsWord, readFlags, reportMissing, type InstructionInput } from "./context.js";

/** `ONBUILD INSTRUCTION ...`: a trigger run when the image is used as a base. */
export function parseOnbuild(input: InstructionInput): OnbuildInstruction {
  readFlags(input, {});
  if (input.rest === "") {
    reportMissing(input, "ONBUILD requires at least one argument");
    return { kind: "ONBUILD", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, trigger: null };
  }
  const trigger = input.parseNested(input.rest, input.restStart);
  if (trigger) {
    switch (trigger.kind) {
      case "ONBUILD":
        input.report(ParseCodes.invalidOnbuild, "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", trigger.keywordRange);
        break;
      case "FROM":
      case "MAINTAINER":
        input.report(ParseCodes.invalidOnbuild, `${trigger.kind} isn't allowed as an ONBUILD trigger`, trigger.keywordRange);
        break;
      default:
        break;
    }
  }
  return { kind: "ONBUILD", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, trigger };
}
