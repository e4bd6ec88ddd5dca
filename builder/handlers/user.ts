/** USER spec: expanded and kept as text in the config (resolved in the rootfs when used). History `USER spec`. */
import type { UserInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { expanderFor, fail, rangeOf, result, type Handler } from "./types.js";

export const handleUser: Handler<UserInstruction> = (state, instruction, ctx) => {
  if (instruction.user === null) fail(instruction, ctx, "USER requires exactly one argument");
  const x = expanderFor(state, instruction, ctx);
  const User = x.word(instruction.user.text);
  return result({ ...state, config: { ...state.config, User } }, [
    { kind: "config", instruction: "USER", range: rangeOf(instruction, ctx), history: history(`USER ${User}`, false) },
  ], x.usedRecord());
};
