/**
 * CMD: exec form as written, shell form wrapped with SHELL; sets ArgsEscaped (BuildKit does,
 * for Windows compatibility) and marks CMD as set in this stage (a later ENTRYPOINT keeps it).
 * History `CMD ["/bin/sh" "-c" "x"]` (Go %q).
 */
import type { CmdInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { goQuoteList } from "../gofmt.js";
import { commandArgv } from "./command.js";
import { rangeOf, result, type Handler } from "./types.js";

export const handleCmd: Handler<CmdInstruction> = (state, instruction, ctx) => {
  const Cmd = commandArgv(state, instruction.command);
  return result({ ...state, cmdSet: true, config: { ...state.config, Cmd, ArgsEscaped: true } }, [
    { kind: "config", instruction: "CMD", range: rangeOf(instruction, ctx), history: history(`CMD ${goQuoteList(Cmd)}`, false) },
  ]);
};
