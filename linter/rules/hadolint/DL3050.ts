import type { Rule } from "../../types.js";
import { labelPairs } from "./labels.js";

/**
 * hadolint DL3050: Superfluous label(s) present.
 * With `strict-labels: true`, only the labels of the `label-schema` may be set.
 */
export const DL3050: Rule = {
  meta: {
    id: "DL3050",
    source: "hadolint",
    severity: "info",
    summary: "Superfluous label(s) present",
  },
  check(ctx) {
    const schema = ctx.config.labelSchema;
    if (!ctx.config.strictLabels || Object.keys(schema).length === 0) return;
    for (const { key, range } of labelPairs(ctx)) {
      if (key !== undefined && !Object.hasOwn(schema, key)) ctx.report(this.meta, range, `Superfluous label present: ${JSON.stringify(key)}`);
    }
  },
};
