/**
 * ENV k=v…: every key and value expanded with the env from before the instruction (so
 * `ENV A=1 B=$A` gives B the previous A), then set in order in the config Env and the build env.
 * History: `ENV k=v …`, no layer.
 */
import type { EnvInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { setBuildEnv, setEnvEntry } from "../state.js";
import { expanderFor, rangeOf, result, type Handler } from "./types.js";

export const handleEnv: Handler<EnvInstruction> = (state, instruction, ctx) => {
  const x = expanderFor(state, instruction, ctx);
  const pairs = instruction.pairs.map((p) => [x.word(p.key), x.word(p.value)] as const);
  let Env = state.config.Env;
  let env = state.env;
  for (const [k, v] of pairs) {
    Env = setEnvEntry(Env, k, v);
    env = setBuildEnv(env, k, v);
  }
  const text = ["ENV", ...pairs.map(([k, v]) => `${k}=${v}`)].join(" ");
  return result({ ...state, config: { ...state.config, Env }, env }, [
    { kind: "config", instruction: "ENV", range: rangeOf(instruction, ctx), history: history(text, false) },
  ], x.usedRecord());
};
