import type { Rule } from "../../types.js";
import { labelPairs, isSpdx } from "./labels.js";

/**
 * hadolint DL3054: Label `<label>` is not a valid SPDX license identifier.
 * A label typed `spdx` in the `label-schema` must hold an SPDX license expression (`MIT`, `Apache-2.0 OR MIT`, `LicenseRef-x`).
 */
export const DL3054: Rule = {
  meta: {
    id: "DL3054",
    source: "hadolint",
    severity: "warning",
    summary: "Label `<label>` is not a valid SPDX license identifier",
  },
  check(ctx) {
    for (const { key, value, range } of labelPairs(ctx)) {
      if (key === undefined || value === undefined || value === "" || ctx.config.labelSchema[key] !== "spdx") continue;
      if (!isSpdx(value)) ctx.report(this.meta, range, `Label ${JSON.stringify(key)} is not a valid SPDX license identifier`);
    }
  },
};
