import type { AddInstruction } from "../ast.js";
import { argumentsWord, readFlags, reportMissing, type InstructionInput } from "./context.js";
import { parseList } from "./list.js";

const ADD_FLAGS = {
  chown: "string", chmod: "string", link: "bool", exclude: "list", checksum: "string", "keep-git-dir": "bool", unpack: "bool",
} as const;

/** `ADD [flags] src... dest` (local files, archives, URLs, git), JSON form, or heredocs. */
export function parseAdd(input: InstructionInput): AddInstruction {
  const flags = readFlags(input, ADD_FLAGS);
  const list = parseList(input);
  if (list.words.length < 2) reportMissing(input, `ADD requires at least two arguments, but only ${list.words.length} ${list.words.length === 1 ? "was" : "were"} provided: the destination could not be determined`);
  return {
    kind: "ADD",
    keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs,
    form: list.form,
    sources: list.words.slice(0, -1),
    destination: list.words.length >= 2 ? list.words[list.words.length - 1]! : null,
    from: null,
    chown: flags.strings.get("chown") ?? null,
    chmod: flags.strings.get("chmod") ?? null,
    link: flags.bools.get("link") ?? false,
    parents: false,
    exclude: flags.lists.get("exclude") ?? [],
    checksum: flags.strings.get("checksum") ?? null,
    keepGitDir: flags.bools.get("keep-git-dir") ?? false,
    unpack: flags.bools.has("unpack") ? flags.bools.get("unpack")! : null,
  };
}
