/** Exec form (JSON array of strings) or shell form, shared by RUN, CMD, ENTRYPOINT, HEALTHCHECK. */
import type { Command } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { parseJsonArray } from "../words.js";
import type { InstructionInput } from "./context.js";

/**
 * `range`: the range of `text` when the caller has it already (RUN, CMD and ENTRYPOINT share their
 * `arguments` range: the same span).
 */
export function parseCommand(input: InstructionInput, text: string, start: number, range = input.at(start, start + text.length)): Command {
  const json = parseJsonArray(text);
  switch (json.kind) {
    case "array":
      return { form: "exec", args: json.values, range };
    case "not-strings":
      input.report(ParseCodes.invalidJson, "when using JSON array syntax, arrays must be comprised of strings only", range);
      return { form: "shell", text, range };
    case "not-json":
      return { form: "shell", text, range };
  }
}
