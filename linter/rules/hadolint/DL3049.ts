import type { Rule } from "../../types.js";
import { finalChain } from "./helpers.js";
import { labelPairs } from "./labels.js";

/**
 * hadolint DL3049: Label `<label>` is missing.
 * With a `label-schema` configured, the final image (its stage and the stages it builds on) must set every label of the schema.
 */
export const DL3049: Rule = {
  meta: {
    id: "DL3049",
    source: "hadolint",
    severity: "info",
    summary: "Label `<label>` is missing",
  },
  check(ctx) {
    const schema = Object.keys(ctx.config.labelSchema);
    if (schema.length === 0 || ctx.stages.length === 0) return;
    const chain = finalChain(ctx);
    const present = new Set<string>();
    let unknown = false;
    for (const { key, instruction } of labelPairs(ctx)) {
      if (!chain.has(ctx.stageOf(instruction)!)) continue;
      if (key === undefined) unknown = true;
      else present.add(key);
    }
    if (unknown) return;
    const last = ctx.stages[ctx.stages.length - 1]!;
    for (const name of schema) if (!present.has(name)) ctx.report(this.meta, last.from.range, `Label ${JSON.stringify(name)} is missing`);
  },
};
