/**
 * ENTRYPOINT: exec form as written, shell form wrapped with SHELL. Clears the CMD unless CMD was
 * set earlier in this same stage (an inherited CMD is dropped). History `ENTRYPOINT [...]` (Go %q).
 */
import type { EntrypointInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { goQuoteList } from "../gofmt.js";
import { commandArgv } from "./command.js";
import { rangeOf, result, type Handler } from "./types.js";

export const handleEntrypoint: Handler<EntrypointInstruction> = (state, instruction, ctx) => {
  const Entrypoint = commandArgv(state, instruction.command);
  const config = { ...state.config, Entrypoint };
  if (!state.cmdSet) delete config.Cmd;
  return result({ ...state, config }, [
    { kind: "config", instruction: "ENTRYPOINT", range: rangeOf(instruction, ctx), history: history(`ENTRYPOINT ${goQuoteList(Entrypoint)}`, false) },
  ]);
};
