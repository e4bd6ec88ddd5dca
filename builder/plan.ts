/**
 * Planning (BuildKit's toDispatchState up to dispatch): global ARGs and the automatic platform
 * ARGs, FROM lines expanded, the stage graph (FROM <stage>, COPY --from, RUN --mount from=),
 * the target and the stages it needs, ONBUILD triggers inserted after FROM (to a fixpoint, since
 * a trigger may add a dependency), and a topological order in levels whose stages are
 * independent of each other (they may run concurrently).
 */
import type { Dockerfile, FromInstruction, Instruction } from "../parser/ast.js";
import type { SourceRange } from "../parser/range.js";
import type { ImageConfig, Platform } from "../image/types.js";
import type { parse as parseFn } from "../parser/parse.js";
import { processWordWithMatches } from "../parser/shell/index.js";
import { automaticArgs, expansionError, globalArgs, proxyEnv } from "./args.js";
import type { SourceRef } from "./effects.js";
import { BuildCodes, BuildError } from "./errors.js";
import type { HandlerContext, TriggerOrigin } from "./handlers/types.js";
import { hostPlatform, parseTargetPlatform } from "./platform.js";
import type { BaseState } from "./state.js";
import { findStage, splitStages, stageLabel, type StageDef } from "./stages.js";

export interface PlanOptions {
  /** `--build-arg` values, already resolved (`--build-arg K` taking the host env is the CLI's job). */
  readonly buildArgs?: ReadonlyMap<string, string>;
  /** `--target`: a stage name (case-insensitive); the last stage by default. */
  readonly target?: string;
  /** The platform kiln runs on (BUILDPLATFORM); the host's by default. */
  readonly buildPlatform?: Platform;
  /** The platform to build for (TARGETPLATFORM); the build platform by default. */
  readonly targetPlatform?: Platform;
  /** Resolves an image base's config (for its ONBUILD triggers); undefined when unknown. */
  readonly baseConfig?: (ref: string, platform: Platform) => Promise<ImageConfig | undefined>;
}

export type StageBase =
  | { readonly kind: "scratch" }
  | { readonly kind: "stage"; readonly index: number }
  /** `config` is what `baseConfig` returned (undefined when not asked or unknown). */
  | { readonly kind: "image"; readonly ref: string; readonly config: ImageConfig | undefined };

export interface PlannedInstruction {
  readonly instruction: Instruction;
  /** Set for ONBUILD triggers run in this stage. */
  readonly trigger: TriggerOrigin | null;
}

export interface PlannedStage {
  readonly index: number;
  /** Lower-cased name after AS, or null. */
  readonly name: string | null;
  /** `name` or `stage-N`, for messages and progress. */
  readonly label: string;
  readonly from: FromInstruction;
  /** The FROM image after expansion (`scratch`, an image reference, or a stage name). */
  readonly image: string;
  readonly base: StageBase;
  readonly platform: Platform;
  /** ONBUILD triggers of the base first, then the stage's own instructions. */
  readonly instructions: readonly PlannedInstruction[];
  /** COPY --from / RUN --mount from= values → what they refer to. */
  readonly sources: ReadonlyMap<string, SourceRef>;
  /** Stages this stage needs (its base stage and sources), sorted. */
  readonly dependsOn: readonly number[];
  /** Whether the target needs this stage (others are skipped). */
  readonly needed: boolean;
}

export interface BuildPlan {
  readonly escapeChar: "\\" | "`";
  readonly buildArgs: ReadonlyMap<string, string>;
  /** The global scope: automatic ARGs and ARGs before the first FROM. */
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly proxyEnv: readonly (readonly [string, string])[];
  readonly buildPlatform: Platform;
  readonly targetPlatform: Platform;
  readonly stages: readonly PlannedStage[];
  /** Index of the target stage. */
  readonly target: number;
  /** Needed stages in a topological order (dependencies first, then file order). */
  readonly order: readonly number[];
  /** `order` grouped: every stage of a level depends only on stages of earlier levels. */
  readonly levels: readonly (readonly number[])[];
  /** Stages the target does not need. */
  readonly skipped: readonly number[];
}

interface Draft {
  def: StageDef;
  image: string;
  base: StageBase;
  platform: Platform;
  triggers: PlannedInstruction[] | null;
  sources: Map<string, { ref: SourceRef; range: SourceRange; trigger: TriggerOrigin | null }>;
}

function sourceNames(instruction: Instruction): string[] {
  if (instruction.kind === "COPY" && instruction.from !== null) return [instruction.from];
  if (instruction.kind === "RUN") return instruction.mounts.flatMap((m) => (m.options.from !== undefined ? [m.options.from] : []));
  return [];
}

function resolveSourceName(stages: readonly StageDef[], name: string, range: SourceRange, trigger: TriggerOrigin | null): SourceRef {
  if (/^\d+$/.test(name)) {
    const index = Number(name);
    if (index >= stages.length) throw new BuildError(BuildCodes.stageOrder, `invalid stage index ${index}`, { range, trigger: trigger?.text });
    return { kind: "stage", index, name: stages[index]!.name };
  }
  const stage = findStage(stages, name);
  if (stage) return { kind: "stage", index: stage.index, name: stage.name };
  return name === "scratch" ? { kind: "scratch" } : { kind: "image", ref: name };
}

function addSources(stages: readonly StageDef[], draft: Draft, instructions: readonly PlannedInstruction[]): boolean {
  let added = false;
  for (const { instruction, trigger } of instructions) {
    for (const name of sourceNames(instruction)) {
      if (draft.sources.has(name)) continue;
      const range = trigger?.fromRange ?? instruction.range;
      draft.sources.set(name, { ref: resolveSourceName(stages, name, range, trigger), range, trigger });
      added = true;
    }
  }
  return added;
}

function depsOf(draft: Draft): Map<number, { range: SourceRange; trigger: TriggerOrigin | null }> {
  const deps = new Map<number, { range: SourceRange; trigger: TriggerOrigin | null }>();
  if (draft.base.kind === "stage") deps.set(draft.base.index, { range: draft.def.from.range, trigger: null });
  for (const s of draft.sources.values()) if (s.ref.kind === "stage" && !deps.has(s.ref.index)) deps.set(s.ref.index, { range: s.range, trigger: s.trigger });
  return deps;
}

function reachable(drafts: readonly Draft[], target: number): Set<number> {
  const seen = new Set<number>();
  const stack = [target];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (seen.has(i)) continue;
    seen.add(i);
    for (const d of depsOf(drafts[i]!).keys()) stack.push(d);
  }
  return seen;
}

/** Parses ONBUILD trigger texts into instructions that report at the FROM line. */
export function parseTriggers(texts: readonly string[], from: FromInstruction, parse: typeof parseFn): PlannedInstruction[] {
  return texts.map((text) => {
    const trigger: TriggerOrigin = { text, fromRange: from.range };
    const fail = (message: string): never => {
      throw new BuildError(BuildCodes.invalidTrigger, `ONBUILD trigger "${text}": ${message}`, { range: from.range, trigger: text });
    };
    const { dockerfile, diagnostics } = parse(text);
    const error = diagnostics.find((d) => d.severity === "error");
    if (error) fail(error.message);
    if (dockerfile.instructions.length !== 1) fail("onbuild trigger should be a single expression");
    const instruction = dockerfile.instructions[0]!;
    if (instruction.kind === "ONBUILD") fail("chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    if (instruction.kind === "FROM" || instruction.kind === "MAINTAINER") fail(`${instruction.kind} isn't allowed as an ONBUILD trigger`);
    return { instruction, trigger };
  });
}

export async function plan(dockerfile: Dockerfile, options: PlanOptions = {}): Promise<BuildPlan> {
  const escapeChar = dockerfile.escapeChar;
  const buildArgs = options.buildArgs ?? new Map<string, string>();
  const buildPlatform = options.buildPlatform ?? hostPlatform();
  const targetPlatform = options.targetPlatform ?? buildPlatform;
  const { globalArgs: argInstructions, stages } = splitStages(dockerfile);

  let targetIndex = stages.length - 1;
  if (options.target !== undefined && options.target !== "") {
    const found = findStage(stages, options.target);
    if (!found) {
      const names = stages.flatMap((s) => (s.name ? [s.name] : []));
      throw new BuildError(
        BuildCodes.unknownTarget,
        `target stage "${options.target}" could not be found${names.length ? ` (stages: ${names.join(", ")})` : " (the Dockerfile has no named stages)"}`,
        { exitCode: 2 },
      );
    }
    targetIndex = found.index;
  }
  const targetName = stages[targetIndex]!.name ?? "";
  const scope = globalArgs(argInstructions, automaticArgs(buildPlatform, targetPlatform, targetName, buildArgs), buildArgs, escapeChar);

  const drafts: Draft[] = [];
  for (const def of stages) {
    const from = def.from;
    if (from.image === null) throw new BuildError(BuildCodes.invalidBase, "FROM requires either one or three arguments", { range: from.range });
    let image: string;
    try {
      image = processWordWithMatches(from.image.text, scope, { escapeChar }).value;
    } catch (e) {
      throw expansionError(e, from.range);
    }
    if (image === "") throw new BuildError(BuildCodes.invalidBase, `base name (${from.image.text}) should not be blank`, { range: from.range });
    let platform = targetPlatform;
    if (from.platform !== null) {
      let text: string;
      try {
        text = processWordWithMatches(from.platform, scope, { escapeChar }).value;
      } catch (e) {
        throw expansionError(e, from.range);
      }
      if (text === "") throw new BuildError(BuildCodes.invalidBase, `empty platform value from expression ${from.platform}`, { range: from.range });
      try {
        platform = parseTargetPlatform(text);
      } catch (e) {
        throw new BuildError(BuildCodes.invalidBase, `failed to parse platform ${from.platform}: ${(e as Error).message}`, { range: from.range, cause: e });
      }
    }
    let base: StageBase;
    const earlier = findStage(stages, image, def.index);
    if (earlier) base = { kind: "stage", index: earlier.index };
    else if (image === "scratch") base = { kind: "scratch" };
    else {
      const later = findStage(stages, image);
      if (later) {
        throw new BuildError(BuildCodes.stageOrder, `FROM ${image}: stage "${later.name}" is defined later; a stage can only be built on stages defined before it`, { range: from.range });
      }
      base = { kind: "image", ref: image, config: undefined };
    }
    // A stage built on a stage runs on that stage's platform (BuildKit's init).
    if (base.kind === "stage") platform = drafts[base.index]!.platform;
    drafts.push({ def, image, base, platform, triggers: null, sources: new Map() });
  }
  for (const d of drafts) addSources(stages, d, d.def.instructions.map((instruction) => ({ instruction, trigger: null })));

  // ONBUILD triggers, to a fixpoint: they run in the stages the target needs and may add needs.
  const configs = new Map<string, Promise<ImageConfig | undefined>>();
  for (;;) {
    const needed = reachable(drafts, targetIndex);
    const pending = [...needed].sort((a, b) => a - b).map((i) => drafts[i]!).filter((d) => d.triggers === null);
    if (pending.length === 0) break;
    await Promise.all(pending.map(async (d) => {
      if (d.base.kind !== "image" || !options.baseConfig) return;
      const key = `${d.base.ref}\0${d.platform.os}/${d.platform.architecture}/${d.platform.variant ?? ""}`;
      if (!configs.has(key)) configs.set(key, options.baseConfig(d.base.ref, d.platform));
      d.base = { ...d.base, config: await configs.get(key)! };
    }));
    for (const d of pending) {
      let texts: string[] = [];
      if (d.base.kind === "image") texts = [...(d.base.config?.config?.OnBuild ?? [])];
      else if (d.base.kind === "stage") {
        texts = stages[d.base.index]!.instructions.flatMap((i) => (i.kind === "ONBUILD" ? [i.arguments.text] : []));
      }
      // the parser loads only for triggers (a build's own Dockerfile may come from the parse cache)
      d.triggers = texts.length === 0 ? [] : parseTriggers(texts, d.def.from, (await import("../parser/parse.js")).parse);
      addSources(stages, d, d.triggers);
    }
  }

  // Cycles (over every stage, as BuildKit checks), then order.
  const state = new Map<number, "visiting" | "done">();
  const visit = (i: number): void => {
    state.set(i, "visiting");
    for (const [dep, at] of depsOf(drafts[i]!)) {
      const s = state.get(dep);
      if (s === "visiting") {
        throw new BuildError(BuildCodes.cycle, `circular dependency detected on stage: ${stageLabel(stages[dep]!)}`, { range: at.range, trigger: at.trigger?.text });
      }
      if (s === undefined) visit(dep);
    }
    state.set(i, "done");
  };
  for (let i = 0; i < drafts.length; i++) if (!state.has(i)) visit(i);

  const needed = reachable(drafts, targetIndex);
  for (const i of [...needed].sort((a, b) => a - b)) {
    for (const [dep, at] of depsOf(drafts[i]!)) {
      if (dep >= i) {
        throw new BuildError(
          BuildCodes.stageOrder,
          `cannot copy from stage "${stageLabel(stages[dep]!)}", it needs to be defined before current stage "${stageLabel(stages[i]!)}"`,
          { range: at.range, trigger: at.trigger?.text },
        );
      }
    }
  }

  const level = new Map<number, number>();
  const levelOf = (i: number): number => {
    const known = level.get(i);
    if (known !== undefined) return known;
    let l = 0;
    for (const dep of depsOf(drafts[i]!).keys()) l = Math.max(l, levelOf(dep) + 1);
    level.set(i, l);
    return l;
  };
  const order = [...needed].sort((a, b) => levelOf(a) - levelOf(b) || a - b);
  const levels: number[][] = [];
  for (const i of order) (levels[levelOf(i)] ??= []).push(i);

  const planned: PlannedStage[] = drafts.map((d) => ({
    index: d.def.index,
    name: d.def.name,
    label: stageLabel(d.def),
    from: d.def.from,
    image: d.image,
    base: d.base,
    platform: d.platform,
    instructions: [...(d.triggers ?? []), ...d.def.instructions.map((instruction) => ({ instruction, trigger: null }))],
    sources: new Map([...d.sources].map(([k, v]) => [k, v.ref])),
    dependsOn: [...depsOf(d).keys()].sort((a, b) => a - b),
    needed: needed.has(d.def.index),
  }));
  return {
    escapeChar,
    buildArgs,
    globalArgs: scope,
    proxyEnv: proxyEnv(buildArgs),
    buildPlatform,
    targetPlatform,
    stages: planned,
    target: targetIndex,
    order,
    levels,
    skipped: planned.filter((s) => !s.needed).map((s) => s.index),
  };
}

/** The context a handler needs for an instruction of `stage` (and for FROM, its base). */
export function handlerContext(plan: BuildPlan, stage: PlannedStage, trigger: TriggerOrigin | null, base?: BaseState): HandlerContext {
  return {
    buildArgs: plan.buildArgs,
    globalArgs: plan.globalArgs,
    proxyEnv: plan.proxyEnv,
    resolveSource: (name) => {
      const ref = stage.sources.get(name);
      if (!ref) throw new BuildError(BuildCodes.stageOrder, `unknown source "${name}" in stage ${stage.label}`, { range: stage.from.range });
      return ref;
    },
    trigger,
    ...(base ? { base } : {}),
  };
}
