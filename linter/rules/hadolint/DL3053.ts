import type { Rule } from "../../types.js";
import { labelPairs, isRfc3339 } from "./labels.js";

/**
 * hadolint DL3053: Label `<label>` is not a valid time format - must conform to RFC3339.
 * A label typed `rfc3339` in the `label-schema` must hold a timestamp such as `2024-05-01T12:00:00Z`.
 */
export const DL3053: Rule = {
  meta: {
    id: "DL3053",
    source: "hadolint",
    severity: "warning",
    summary: "Label `<label>` is not a valid time format - must conform to RFC3339",
  },
  check(ctx) {
    for (const { key, value, range } of labelPairs(ctx)) {
      if (key === undefined || value === undefined || value === "" || ctx.config.labelSchema[key] !== "rfc3339") continue;
      if (!isRfc3339(value)) ctx.report(this.meta, range, `Label ${JSON.stringify(key)} is not a valid time format - must conform to RFC3339`);
    }
  },
};
