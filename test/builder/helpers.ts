/** Builds a Dockerfile text purely (plan + dispatch) for handler and planner specifications. */
import { parse } from "../../parser/parse.js";
import type { ImageConfig } from "../../image/types.js";
import { plan, type BuildPlan, type PlanOptions } from "../../builder/plan.js";
import { dispatchAll, type StageResult } from "../../builder/dispatch.js";
import type { Effect } from "../../builder/effects.js";

export const AMD64 = { os: "linux", architecture: "amd64" } as const;

export function imageConfig(config: ImageConfig["config"], extra: Partial<ImageConfig> = {}): ImageConfig {
  return { architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [] }, config, ...extra };
}

export interface Built {
  plan: BuildPlan;
  results: Map<number, StageResult>;
  /** The target stage's result. */
  target: StageResult;
  /** Every effect of the target stage, in order. */
  effects: Effect[];
}

/** Plans and dispatches `text`; image bases get configs from `images` (by reference). */
export async function build(text: string, options: PlanOptions & { images?: Record<string, ImageConfig>; args?: Record<string, string> } = {}): Promise<Built> {
  const { dockerfile, diagnostics } = parse(text);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0) throw new Error(`test Dockerfile does not parse: ${errors.map((e) => e.message).join("; ")}`);
  const p = await plan(dockerfile, {
    buildPlatform: AMD64,
    baseConfig: async (ref) => options.images?.[ref],
    ...options,
    buildArgs: options.buildArgs ?? new Map(Object.entries(options.args ?? {})),
  });
  const results = dispatchAll(p);
  const target = results.get(p.target)!;
  return { plan: p, results, target, effects: target.steps.flatMap((s) => [...s.effects]) };
}

/** The `created_by` of every effect of the target stage. */
export function createdBy(b: Built): string[] {
  return b.effects.map((e) => e.history.createdBy);
}

/** Expects `promise` to reject with a KilnError of `code` whose message matches. */
export async function rejects(promise: Promise<unknown>, code: string, message?: RegExp | string): Promise<Error & { code: string; range?: unknown; trigger?: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as Error & { code: string };
    if (err.code !== code) throw new Error(`expected error code ${code}, got ${err.code}: ${err.message}`);
    if (message !== undefined && !(typeof message === "string" ? err.message.includes(message) : message.test(err.message))) {
      throw new Error(`error message ${JSON.stringify(err.message)} does not match ${message}`);
    }
    return err;
  }
  throw new Error(`expected a rejection with code ${code}`);
}
