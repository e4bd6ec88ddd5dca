import type { Rule } from "../../types.js";
import { labelPairs } from "./labels.js";

/**
 * hadolint DL3051: Label `<label>` is empty.
 * A label of the `label-schema` is set to an empty value.
 */
export const DL3051: Rule = {
  meta: {
    id: "DL3051",
    source: "hadolint",
    severity: "warning",
    summary: "Label `<label>` is empty",
  },
  check(ctx) {
    for (const { key, value, range } of labelPairs(ctx)) {
      if (key === undefined || value !== "" || !Object.hasOwn(ctx.config.labelSchema, key)) continue;
      ctx.report(this.meta, range, `Label ${JSON.stringify(key)} is empty`);
    }
  },
};
