import type { ShellInstruction } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { parseJsonArray } from "../words.js";
import { argumentsWord, readFlags, reportMissing, type InstructionInput } from "./context.js";

/** `SHELL ["executable", "param"]`: JSON form only. */
export function parseShell(input: InstructionInput): ShellInstruction {
  readFlags(input, {});
  const range = input.at(input.restStart, input.restStart + input.rest.length);
  const json = parseJsonArray(input.rest);
  let shell: string[] = [];
  switch (json.kind) {
    case "array":
      shell = json.values;
      if (shell.length === 0) reportMissing(input, "SHELL requires at least one argument");
      break;
    case "not-strings":
      input.report(ParseCodes.invalidJson, "when using JSON array syntax, arrays must be comprised of strings only", range);
      break;
    case "not-json":
      if (input.rest === "") reportMissing(input, "SHELL requires at least one argument");
      else input.report(ParseCodes.invalidJson, 'SHELL requires the arguments to be in JSON form, e.g. SHELL ["/bin/sh", "-c"]', range);
      break;
  }
  return { kind: "SHELL", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs, shell };
}
