/** JSON array or whitespace-separated words, shared by COPY, ADD and VOLUME (BuildKit's parseMaybeJSONToList). */
import type { Word } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { parseJsonArray, whitespaceWords } from "../words.js";
import { word, type InstructionInput } from "./context.js";

export interface WordList {
  readonly form: "exec" | "shell";
  readonly words: Word[];
}

export function parseList(input: InstructionInput): WordList {
  const { rest, restStart } = input;
  const json = parseJsonArray(rest);
  switch (json.kind) {
    case "array": {
      // JSON elements have no exact places of their own; each points at the whole array.
      const range = input.at(restStart, restStart + rest.length);
      return { form: "exec", words: json.values.map((text) => ({ text, range })) };
    }
    case "not-strings":
      input.report(ParseCodes.invalidJson, "when using JSON array syntax, arrays must be comprised of strings only", input.at(restStart, restStart + rest.length));
      return { form: "exec", words: [] };
    case "not-json":
      return { form: "shell", words: whitespaceWords(rest, restStart).map((w) => word(input, w.text, w.start, w.end)) };
  }
}
