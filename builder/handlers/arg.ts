/**
 * ARG name[=default]… in a stage, each in order (BuildKit's dispatchArg): a `--build-arg` value
 * wins; else the default, expanded with the build env (which holds the ARGs before it); else the
 * global scope's value (this is how `ARG TARGETARCH` or a global ARG enters a stage); else no
 * value. A value enters the build env (after an ENV of the same name it wins for the build,
 * not in the image config). History `ARG a=1 b`, no layer.
 */
import type { ArgInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { setBuildEnv, type ArgValue } from "../state.js";
import { expanderFor, rangeOf, result, type Handler } from "./types.js";

export const handleArg: Handler<ArgInstruction> = (state, instruction, ctx) => {
  let env = state.env;
  const args: ArgValue[] = [...state.args];
  const used: Record<string, string> = {};
  const parts: string[] = [];
  for (const arg of instruction.args) {
    let value: string | null = null;
    const given = ctx.buildArgs.get(arg.name);
    if (given !== undefined) value = given;
    else if (arg.defaultValue !== null) {
      const x = expanderFor({ ...state, env }, instruction, ctx);
      value = x.word(arg.defaultValue);
      Object.assign(used, x.usedRecord());
    } else {
      const global = ctx.globalArgs.get(arg.name);
      if (global !== undefined) value = global;
    }
    if (value !== null) env = setBuildEnv(env, arg.name, value);
    args.push({ name: arg.name, value });
    parts.push(value === null ? arg.name : `${arg.name}=${value}`);
  }
  return result({ ...state, env, args }, [
    { kind: "config", instruction: "ARG", range: rangeOf(instruction, ctx), history: history(`ARG ${parts.join(" ")}`, false) },
  ], used);
};
