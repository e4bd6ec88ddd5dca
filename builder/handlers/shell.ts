/** SHELL ["exe", "arg"…]: the shell for later shell-form commands. History `SHELL [exe arg]` (Go %v). */
import type { ShellInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { goList } from "../gofmt.js";
import { fail, rangeOf, result, type Handler } from "./types.js";

export const handleShell: Handler<ShellInstruction> = (state, instruction, ctx) => {
  if (instruction.shell.length === 0) fail(instruction, ctx, "SHELL requires at least one argument");
  const Shell = [...instruction.shell];
  return result({ ...state, config: { ...state.config, Shell } }, [
    { kind: "config", instruction: "SHELL", range: rangeOf(instruction, ctx), history: history(`SHELL ${goList(Shell)}`, false) },
  ]);
};
