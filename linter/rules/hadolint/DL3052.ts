import type { Rule } from "../../types.js";
import { labelPairs, isUrlValue } from "./labels.js";

/**
 * hadolint DL3052: Label `<label>` is not a valid URL.
 * A label typed `url` in the `label-schema` must hold an absolute URL (`scheme://host...`).
 */
export const DL3052: Rule = {
  meta: {
    id: "DL3052",
    source: "hadolint",
    severity: "warning",
    summary: "Label `<label>` is not a valid URL",
  },
  check(ctx) {
    for (const { key, value, range } of labelPairs(ctx)) {
      if (key === undefined || value === undefined || value === "" || ctx.config.labelSchema[key] !== "url") continue;
      if (!isUrlValue(value)) ctx.report(this.meta, range, `Label ${JSON.stringify(key)} is not a valid URL`);
    }
  },
};
