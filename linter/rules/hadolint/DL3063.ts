import type { Rule } from "../../types.js";

/**
 * hadolint DL3063: Stage name should not be a reserved word.
 * `scratch` and `context` already mean something to BuildKit.
 */
export const DL3063: Rule = {
  meta: {
    id: "DL3063",
    source: "hadolint",
    severity: "warning",
    summary: "Stage name should not be a reserved word",
    sameAs: ["ReservedStageName"],
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      if (stage.name === "scratch" || stage.name === "context") ctx.report(this.meta, stage.from.stageName!.range, `Stage name should not be a reserved word (${stage.name})`);
    }
  },
};
