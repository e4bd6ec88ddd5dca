import type { Rule } from "../../types.js";

/** BuildKit DuplicateStageName: two stages with the same (case-insensitive) name. */
export const DuplicateStageName: Rule = {
  meta: {
    id: "DuplicateStageName",
    source: "buildkit",
    severity: "warning",
    summary: "Stage names should be unique",
    sameAs: ["DL3024"],
  },
  check(ctx) {
    const seen = new Set<string>();
    for (const stage of ctx.stages) {
      if (stage.name === null) continue;
      if (seen.has(stage.name)) {
        ctx.report(this.meta, stage.from.stageName!.range, `Duplicate stage name ${JSON.stringify(stage.name)}, stage names should be unique`);
      }
      seen.add(stage.name);
    }
  },
};
