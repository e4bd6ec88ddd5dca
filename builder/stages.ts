/**
 * Splitting a Dockerfile into the global ARGs (before the first FROM) and its stages, and
 * looking stages up by name (case-insensitive) or index, as BuildKit's instructions.Parse and
 * dispatchStates do.
 */
import type { ArgInstruction, Dockerfile, FromInstruction, Instruction } from "../parser/ast.js";
import { BuildCodes, BuildError } from "./errors.js";

export interface StageDef {
  readonly index: number;
  /** The name after AS, lower-cased (stage names are case-insensitive), or null. */
  readonly name: string | null;
  readonly from: FromInstruction;
  /** The instructions after FROM, up to the next FROM. */
  readonly instructions: readonly Instruction[];
}

export interface SplitDockerfile {
  readonly globalArgs: readonly ArgInstruction[];
  readonly stages: readonly StageDef[];
}

export function splitStages(dockerfile: Dockerfile): SplitDockerfile {
  const globalArgs: ArgInstruction[] = [];
  const stages: { index: number; name: string | null; from: FromInstruction; instructions: Instruction[] }[] = [];
  for (const instruction of dockerfile.instructions) {
    if (instruction.kind === "FROM") {
      stages.push({ index: stages.length, name: instruction.stageName?.text.toLowerCase() ?? null, from: instruction, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.kind !== "ARG") {
        throw new BuildError(BuildCodes.noStages, `no build stage in current context: ${instruction.kind} before the first FROM`, { range: instruction.range });
      }
      globalArgs.push(instruction);
    } else {
      stages[stages.length - 1]!.instructions.push(instruction);
    }
  }
  if (stages.length === 0) throw new BuildError(BuildCodes.noStages, "dockerfile contains no stages to build", { range: dockerfile.range });
  return { globalArgs, stages };
}

/** The stage a name refers to when seen at stage `before` (only earlier stages; the latest of a repeated name). */
export function findStage(stages: readonly StageDef[], name: string, before = stages.length): StageDef | undefined {
  const key = name.toLowerCase();
  for (let i = Math.min(before, stages.length) - 1; i >= 0; i--) if (stages[i]!.name === key) return stages[i];
  return undefined;
}

/** Display names for messages: `name` or `stage-N`. */
export function stageLabel(stage: Pick<StageDef, "index" | "name">): string {
  return stage.name ?? `stage-${stage.index}`;
}
