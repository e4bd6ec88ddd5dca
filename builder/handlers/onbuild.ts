/**
 * ONBUILD INSTRUCTION: appends the trigger's text (as written after ONBUILD) to the config's
 * OnBuild. BuildKit writes no history entry for it.
 */
import type { OnbuildInstruction } from "../../parser/ast.js";
import { result, type Handler } from "./types.js";

export const handleOnbuild: Handler<OnbuildInstruction> = (state, instruction) =>
  result({ ...state, config: { ...state.config, OnBuild: [...(state.config.OnBuild ?? []), instruction.arguments.text] } }, []);
