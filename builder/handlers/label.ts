/** LABEL k=v…: keys and values expanded; later labels replace earlier ones. History `LABEL k=v …`. */
import type { LabelInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { expanderFor, rangeOf, result, type Handler } from "./types.js";

export const handleLabel: Handler<LabelInstruction> = (state, instruction, ctx) => {
  const x = expanderFor(state, instruction, ctx);
  const Labels = { ...(state.config.Labels ?? {}) };
  const parts: string[] = ["LABEL"];
  for (const p of instruction.pairs) {
    const k = x.word(p.key);
    const v = x.word(p.value);
    Labels[k] = v;
    parts.push(`${k}=${v}`);
  }
  return result({ ...state, config: { ...state.config, Labels } }, [
    { kind: "config", instruction: "LABEL", range: rangeOf(instruction, ctx), history: history(parts.join(" "), false) },
  ], x.usedRecord());
};
