/**
 * FROM: the stage's first state, from `ctx.base` (scratch, an image config, or the final state
 * of an earlier stage); see initialState for what is inherited. The image reference and
 * `--platform` were expanded by the plan. No effect: a base adds no history of its own.
 */
import type { FromInstruction } from "../../parser/ast.js";
import { initialState } from "../state.js";
import { fail, result, type Handler } from "./types.js";

export const handleFrom: Handler<FromInstruction> = (state, instruction, ctx) => {
  if (!ctx.base) fail(instruction, ctx, "FROM needs its base (scratch, an image config or a stage state)");
  return result(initialState(ctx.base, state.platform, state.escapeChar), []);
};
