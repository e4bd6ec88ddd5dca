import type { CopyInstruction } from "../ast.js";
import { argumentsWord, readFlags, reportMissing, type InstructionInput } from "./context.js";
import { parseList } from "./list.js";

export const COPY_FLAGS = { from: "string", chown: "string", chmod: "string", link: "bool", parents: "bool", exclude: "list" } as const;

/** `COPY [flags] src... dest`, JSON form, or `COPY <<EOF dest`. */
export function parseCopy(input: InstructionInput): CopyInstruction {
  const flags = readFlags(input, COPY_FLAGS);
  const list = parseList(input);
  if (list.words.length < 2) reportMissing(input, `COPY requires at least two arguments, but only ${list.words.length} ${list.words.length === 1 ? "was" : "were"} provided: the destination could not be determined`);
  return {
    kind: "COPY",
    keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs,
    form: list.form,
    sources: list.words.slice(0, -1),
    destination: list.words.length >= 2 ? list.words[list.words.length - 1]! : null,
    from: flags.strings.get("from") ?? null,
    chown: flags.strings.get("chown") ?? null,
    chmod: flags.strings.get("chmod") ?? null,
    link: flags.bools.get("link") ?? false,
    parents: flags.bools.get("parents") ?? false,
    exclude: flags.lists.get("exclude") ?? [],
  };
}
