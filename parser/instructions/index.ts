/** The dispatch table: one argument parser per instruction kind (exhaustive by type). */
import type { Instruction, InstructionKind } from "../ast.js";
import { parseAdd } from "./add.js";
import { parseArg } from "./arg.js";
import { parseCmd } from "./cmd.js";
import type { InstructionInput } from "./context.js";
import { parseCopy } from "./copy.js";
import { parseEntrypoint } from "./entrypoint.js";
import { parseEnv } from "./env.js";
import { parseExpose } from "./expose.js";
import { parseFrom } from "./from.js";
import { parseHealthcheck } from "./healthcheck.js";
import { parseLabel } from "./label.js";
import { parseMaintainer } from "./maintainer.js";
import { parseOnbuild } from "./onbuild.js";
import { parseRun } from "./run.js";
import { parseShell } from "./shell.js";
import { parseStopsignal } from "./stopsignal.js";
import { parseUser } from "./user.js";
import { parseVolume } from "./volume.js";
import { parseWorkdir } from "./workdir.js";

export type { InstructionInput } from "./context.js";

export const INSTRUCTION_PARSERS: { readonly [K in InstructionKind]: (input: InstructionInput) => Extract<Instruction, { kind: K }> } = {
  FROM: parseFrom,
  RUN: parseRun,
  CMD: parseCmd,
  LABEL: parseLabel,
  MAINTAINER: parseMaintainer,
  EXPOSE: parseExpose,
  ENV: parseEnv,
  ADD: parseAdd,
  COPY: parseCopy,
  ENTRYPOINT: parseEntrypoint,
  VOLUME: parseVolume,
  USER: parseUser,
  WORKDIR: parseWorkdir,
  ARG: parseArg,
  ONBUILD: parseOnbuild,
  STOPSIGNAL: parseStopsignal,
  HEALTHCHECK: parseHealthcheck,
  SHELL: parseShell,
};
