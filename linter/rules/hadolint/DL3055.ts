import type { Rule } from "../../types.js";
import { labelPairs, isGitHash } from "./labels.js";

/**
 * hadolint DL3055: Label `<label>` is not a valid git hash.
 * A label typed `hash` in the `label-schema` must hold a git commit hash (hex, 7 to 40 characters, or 64 for SHA-256 repositories).
 */
export const DL3055: Rule = {
  meta: {
    id: "DL3055",
    source: "hadolint",
    severity: "warning",
    summary: "Label `<label>` is not a valid git hash",
  },
  check(ctx) {
    for (const { key, value, range } of labelPairs(ctx)) {
      if (key === undefined || value === undefined || value === "" || ctx.config.labelSchema[key] !== "hash") continue;
      if (!isGitHash(value)) ctx.report(this.meta, range, `Label ${JSON.stringify(key)} is not a valid git hash`);
    }
  },
};
