/** VOLUME paths: each expanded (shell and JSON form); empty paths are refused. History `VOLUME [a b]`. */
import type { VolumeInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { goList } from "../gofmt.js";
import { expanderFor, fail, rangeOf, result, type Handler } from "./types.js";

export const handleVolume: Handler<VolumeInstruction> = (state, instruction, ctx) => {
  const x = expanderFor(state, instruction, ctx);
  const paths = instruction.paths.map((p) => x.word(p.text));
  const Volumes: Record<string, Record<string, never>> = { ...(state.config.Volumes ?? {}) };
  for (const p of paths) {
    if (p === "") fail(instruction, ctx, "VOLUME specified can not be an empty string");
    Volumes[p] = {};
  }
  return result({ ...state, config: { ...state.config, Volumes } }, [
    { kind: "config", instruction: "VOLUME", range: rangeOf(instruction, ctx), history: history(`VOLUME ${goList(paths)}`, false) },
  ], x.usedRecord());
};
