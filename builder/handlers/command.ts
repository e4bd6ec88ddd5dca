/** Shared by RUN, CMD, ENTRYPOINT: exec form as written, shell form wrapped with the stage's SHELL. */
import type { Command } from "../../parser/ast.js";
import type { StageState } from "../state.js";
import { shellOf } from "../state.js";

/** BuildKit's withShell for shell form; exec form unchanged. Not expanded: that is the shell's job. */
export function commandArgv(state: StageState, command: Command): string[] {
  return command.form === "exec" ? [...command.args] : [...shellOf(state), command.text];
}
