import type { Rule } from "../../types.js";
import { labelPairs, validLabelKey } from "./labels.js";

/**
 * hadolint DL3048: Invalid Label Key.
 * Label keys should be lower-case alphanumerics separated by single `.` or `-`, start and end with a letter or digit, and stay out of the namespaces Docker reserves (`com.docker.*`, `io.docker.*`, `org.dockerproject.*`).
 */
export const DL3048: Rule = {
  meta: {
    id: "DL3048",
    source: "hadolint",
    severity: "style",
    summary: "Invalid Label Key",
  },
  check(ctx) {
    for (const { key, range } of labelPairs(ctx)) {
      if (key === undefined) continue;
      if (!validLabelKey(key)) ctx.report(this.meta, range, `Invalid label key ${JSON.stringify(key)}`);
    }
  },
};
