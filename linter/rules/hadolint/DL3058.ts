import type { Rule } from "../../types.js";
import { labelPairs, isEmail } from "./labels.js";

/**
 * hadolint DL3058: Label `<label>` is not a valid email format - must conform to RFC5322.
 * A label typed `email` in the `label-schema` must hold an e-mail address.
 */
export const DL3058: Rule = {
  meta: {
    id: "DL3058",
    source: "hadolint",
    severity: "warning",
    summary: "Label `<label>` is not a valid email format - must conform to RFC5322",
  },
  check(ctx) {
    for (const { key, value, range } of labelPairs(ctx)) {
      if (key === undefined || value === undefined || value === "" || ctx.config.labelSchema[key] !== "email") continue;
      if (!isEmail(value)) ctx.report(this.meta, range, `Label ${JSON.stringify(key)} is not a valid email format - must conform to RFC5322`);
    }
  },
};
