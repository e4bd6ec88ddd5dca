/** What every instruction handler takes and returns: `(state, instruction, ctx) → { state, effects }`. */
import type { SourceRange } from "../../parser/range.js";
import type { Instruction } from "../../parser/ast.js";
import type { Effect, SourceRef } from "../effects.js";
import type { BaseState, StageState } from "../state.js";
import { Expander } from "../expand.js";
import { envMap } from "../state.js";
import { BuildCodes, BuildError } from "../errors.js";

/** An ONBUILD trigger being run: its text, and the FROM line that ran it (where errors point). */
export interface TriggerOrigin {
  readonly text: string;
  readonly fromRange: SourceRange;
}

export interface HandlerContext {
  /** `--build-arg` values (resolved by the CLI). */
  readonly buildArgs: ReadonlyMap<string, string>;
  /** The global ARG scope (automatic ARGs and ARGs before the first FROM). */
  readonly globalArgs: ReadonlyMap<string, string>;
  /** Proxy variables from `--build-arg`, added to every RUN's environment. */
  readonly proxyEnv: readonly (readonly [string, string])[];
  /** Maps COPY --from / RUN --mount from= to a source (the plan validated stage references). */
  readonly resolveSource: (name: string) => SourceRef;
  /** Set when the instruction is an ONBUILD trigger. */
  readonly trigger: TriggerOrigin | null;
  /** For FROM: what the stage builds on. */
  readonly base?: BaseState;
}

export interface HandlerResult {
  readonly state: StageState;
  readonly effects: readonly Effect[];
  /** Variables the instruction's expansion used (name → value), for cache records. */
  readonly used: Readonly<Record<string, string>>;
}

export type Handler<I extends Instruction> = (state: StageState, instruction: I, ctx: HandlerContext) => HandlerResult;

/** Where errors and effects of `instruction` point: the instruction, or the FROM that ran the trigger. */
export function rangeOf(instruction: Instruction, ctx: HandlerContext): SourceRange {
  return ctx.trigger?.fromRange ?? instruction.range;
}

export function expanderFor(state: StageState, instruction: Instruction, ctx: HandlerContext): Expander {
  return new Expander(envMap(state), state.escapeChar, rangeOf(instruction, ctx), ctx.trigger?.text);
}

export function fail(instruction: Instruction, ctx: HandlerContext, message: string, code: string = BuildCodes.invalidInstruction): never {
  throw new BuildError(code, ctx.trigger ? `${message} (in ONBUILD trigger "${ctx.trigger.text}")` : message, {
    range: rangeOf(instruction, ctx),
    trigger: ctx.trigger?.text,
  });
}

export function result(state: StageState, effects: readonly Effect[], used: Readonly<Record<string, string>> = {}): HandlerResult {
  return { state, effects, used };
}
