/**
 * WORKDIR path: expanded; a relative path joins the previous WORKDIR; cleaned. Unless it is
 * `/`, the directory is created (parents too, mode 0755) owned by the current USER: a layer
 * with history `WORKDIR /abs` (BuildKit writes no "# buildkit" suffix for it).
 */
import { posix } from "node:path";
import type { WorkdirInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { workdirOf } from "../state.js";
import { expanderFor, fail, rangeOf, result, type Handler } from "./types.js";

/** BuildKit's NormalizeWorkdir on Linux. */
export function normalizeWorkdir(current: string, requested: string): string {
  return posix.isAbsolute(requested) ? posix.normalize(requested).replace(/(.)\/$/, "$1") : posix.join("/", current, requested).replace(/(.)\/$/, "$1");
}

export const handleWorkdir: Handler<WorkdirInstruction> = (state, instruction, ctx) => {
  if (instruction.path === null) fail(instruction, ctx, "WORKDIR requires exactly one argument");
  const x = expanderFor(state, instruction, ctx);
  const requested = x.word(instruction.path.text);
  if (requested === "") fail(instruction, ctx, "normalizing workdir: cannot normalize nothing");
  const WorkingDir = normalizeWorkdir(workdirOf(state), requested);
  const next = { ...state, config: { ...state.config, WorkingDir } };
  const range = rangeOf(instruction, ctx);
  const effect = WorkingDir === "/"
    ? { kind: "config" as const, instruction: "WORKDIR", range, history: history(`WORKDIR ${WorkingDir}`, false) }
    : { kind: "mkdir" as const, path: WorkingDir, user: state.config.User ?? "", mode: 0o755, range, history: history(`WORKDIR ${WorkingDir}`, true) };
  return result(next, [effect], x.usedRecord());
};
