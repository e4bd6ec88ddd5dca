import type { Rule } from "../../types.js";
import { labelPairs, isSemver } from "./labels.js";

/**
 * hadolint DL3056: Label `<label>` does not conform to semantic versioning.
 * A label typed `semver` in the `label-schema` must hold a semantic version (`1.2.3`, `1.0.0-rc.1+build.5`).
 */
export const DL3056: Rule = {
  meta: {
    id: "DL3056",
    source: "hadolint",
    severity: "warning",
    summary: "Label `<label>` does not conform to semantic versioning",
  },
  check(ctx) {
    for (const { key, value, range } of labelPairs(ctx)) {
      if (key === undefined || value === undefined || value === "" || ctx.config.labelSchema[key] !== "semver") continue;
      if (!isSemver(value)) ctx.report(this.meta, range, `Label ${JSON.stringify(key)} does not conform to semantic versioning`);
    }
  },
};
