import type { Rule } from "../../types.js";

/**
 * hadolint DL3024: FROM aliases (stage names) must be unique.
 * Two stages with the same name make `--from` and `--target` ambiguous.
 */
export const DL3024: Rule = {
  meta: {
    id: "DL3024",
    source: "hadolint",
    severity: "error",
    summary: "FROM aliases (stage names) must be unique",
    sameAs: ["DuplicateStageName"],
  },
  check(ctx) {
    const seen = new Set<string>();
    for (const stage of ctx.stages) {
      if (stage.name === null) continue;
      if (seen.has(stage.name)) ctx.report(this.meta, stage.from.stageName!.range, `FROM aliases (stage names) must be unique (${stage.name})`);
      seen.add(stage.name);
    }
  },
};
