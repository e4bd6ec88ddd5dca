import type { Rule } from "../../types.js";

/** Names BuildKit gives a meaning of its own. */
export const RESERVED_STAGE_NAMES: ReadonlySet<string> = new Set(["context", "scratch"]);

/** BuildKit ReservedStageName: `AS scratch` or `AS context`. */
export const ReservedStageName: Rule = {
  meta: {
    id: "ReservedStageName",
    source: "buildkit",
    severity: "warning",
    summary: "Reserved words should not be used as stage names",
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      if (stage.name === null || !RESERVED_STAGE_NAMES.has(stage.name)) continue;
      ctx.report(this.meta, stage.from.stageName!.range, `Stage name should not use the same name as reserved stage ${JSON.stringify(stage.name)}`);
    }
  },
};
