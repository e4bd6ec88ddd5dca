/**
 * The pure part of a build: every needed stage's instructions applied in plan order, giving each
 * stage's final state and each step's effects. Nothing here touches the filesystem, so the
 * executor can compute all effects first and then apply them through the runtime and the cache.
 */
import type { ImageConfig } from "../image/types.js";
import type { Effect } from "./effects.js";
import { applyInstruction } from "./handlers/index.js";
import { handlerContext, type BuildPlan, type PlannedInstruction, type PlannedStage } from "./plan.js";
import type { BaseState, StageState } from "./state.js";

export interface Step {
  readonly planned: PlannedInstruction;
  /** The state before the step (its parent, for cache keys). */
  readonly before: StageState;
  readonly effects: readonly Effect[];
  readonly used: Readonly<Record<string, string>>;
}

export interface StageResult {
  readonly stage: PlannedStage;
  readonly initial: StageState;
  readonly state: StageState;
  readonly steps: readonly Step[];
}

/** The base of a stage as a state input; an image whose config is unknown counts as an empty config. */
export function baseStateOf(stage: PlannedStage, results: ReadonlyMap<number, StageResult>, imageConfig?: ImageConfig): BaseState {
  switch (stage.base.kind) {
    case "scratch":
      return { kind: "scratch" };
    case "stage": {
      const base = results.get(stage.base.index);
      if (!base) throw new Error(`stage ${stage.base.index} must be dispatched before stage ${stage.index}`);
      return { kind: "stage", state: base.state };
    }
    case "image": {
      const config = imageConfig ?? stage.base.config;
      return {
        kind: "image",
        config: config ?? { architecture: stage.platform.architecture, os: stage.platform.os, rootfs: { type: "layers", diff_ids: [] }, config: {} },
      };
    }
  }
}

/** Applies FROM and then every instruction (triggers first) of one stage. */
export function dispatchStage(plan: BuildPlan, stage: PlannedStage, base: BaseState): StageResult {
  const seed: StageState = { config: {}, author: undefined, env: [], args: [], cmdSet: false, escapeChar: plan.escapeChar, platform: stage.platform };
  const initial = applyInstruction(seed, stage.from, handlerContext(plan, stage, null, base)).state;
  let state = initial;
  const steps: Step[] = [];
  for (const planned of stage.instructions) {
    const r = applyInstruction(state, planned.instruction, handlerContext(plan, stage, planned.trigger));
    steps.push({ planned, before: state, effects: r.effects, used: r.used });
    state = r.state;
  }
  return { stage, initial, state, steps };
}

/** Dispatches every needed stage in plan order. */
export function dispatchAll(plan: BuildPlan): Map<number, StageResult> {
  const results = new Map<number, StageResult>();
  for (const index of plan.order) {
    const stage = plan.stages[index]!;
    results.set(index, dispatchStage(plan, stage, baseStateOf(stage, results)));
  }
  return results;
}
