/** Dispatch of an instruction to its handler (one file per instruction), with an exhaustive switch. */
import type { Instruction, InstructionKind } from "../../parser/ast.js";
import { assertNever } from "../../util/errors.js";
import type { StageState } from "../state.js";
import { handleAdd } from "./add.js";
import { handleArg } from "./arg.js";
import { handleCmd } from "./cmd.js";
import { handleCopy } from "./copy.js";
import { handleEntrypoint } from "./entrypoint.js";
import { handleEnv } from "./env.js";
import { handleExpose } from "./expose.js";
import { handleFrom } from "./from.js";
import { handleHealthcheck } from "./healthcheck.js";
import { handleLabel } from "./label.js";
import { handleMaintainer } from "./maintainer.js";
import { handleOnbuild } from "./onbuild.js";
import { handleRun } from "./run.js";
import { handleShell } from "./shell.js";
import { handleStopsignal } from "./stopsignal.js";
import { handleUser } from "./user.js";
import { handleVolume } from "./volume.js";
import { handleWorkdir } from "./workdir.js";
import type { Handler, HandlerContext, HandlerResult } from "./types.js";

export type { Handler, HandlerContext, HandlerResult, TriggerOrigin } from "./types.js";

/** Every instruction's handler, by kind (the meta test checks each has its file and test). */
export const HANDLERS: { readonly [K in InstructionKind]: Handler<Extract<Instruction, { kind: K }>> } = {
  FROM: handleFrom,
  RUN: handleRun,
  CMD: handleCmd,
  LABEL: handleLabel,
  MAINTAINER: handleMaintainer,
  EXPOSE: handleExpose,
  ENV: handleEnv,
  ADD: handleAdd,
  COPY: handleCopy,
  ENTRYPOINT: handleEntrypoint,
  VOLUME: handleVolume,
  USER: handleUser,
  WORKDIR: handleWorkdir,
  ARG: handleArg,
  ONBUILD: handleOnbuild,
  STOPSIGNAL: handleStopsignal,
  HEALTHCHECK: handleHealthcheck,
  SHELL: handleShell,
};

/** Applies one instruction to a stage state: `(state, instruction, ctx) → { state, effects }`. */
export function applyInstruction(state: StageState, instruction: Instruction, ctx: HandlerContext): HandlerResult {
  switch (instruction.kind) {
    case "FROM": return handleFrom(state, instruction, ctx);
    case "RUN": return handleRun(state, instruction, ctx);
    case "CMD": return handleCmd(state, instruction, ctx);
    case "LABEL": return handleLabel(state, instruction, ctx);
    case "MAINTAINER": return handleMaintainer(state, instruction, ctx);
    case "EXPOSE": return handleExpose(state, instruction, ctx);
    case "ENV": return handleEnv(state, instruction, ctx);
    case "ADD": return handleAdd(state, instruction, ctx);
    case "COPY": return handleCopy(state, instruction, ctx);
    case "ENTRYPOINT": return handleEntrypoint(state, instruction, ctx);
    case "VOLUME": return handleVolume(state, instruction, ctx);
    case "USER": return handleUser(state, instruction, ctx);
    case "WORKDIR": return handleWorkdir(state, instruction, ctx);
    case "ARG": return handleArg(state, instruction, ctx);
    case "ONBUILD": return handleOnbuild(state, instruction, ctx);
    case "STOPSIGNAL": return handleStopsignal(state, instruction, ctx);
    case "HEALTHCHECK": return handleHealthcheck(state, instruction, ctx);
    case "SHELL": return handleShell(state, instruction, ctx);
    default: return assertNever(instruction, "instruction");
  }
}
