import type { Rule } from "../../types.js";
import type { Instruction } from "../../../parser/index.js";

/**
 * hadolint DL4003: Multiple `CMD` instructions found.
 * Only the last CMD of a stage takes effect; the earlier ones are reported (where BuildKit's MultipleInstructionsDisallowed reports, so both merge).
 */
export const DL4003: Rule = {
  meta: {
    id: "DL4003",
    source: "hadolint",
    severity: "warning",
    summary: "Multiple `CMD` instructions found",
    sameAs: ["MultipleInstructionsDisallowed"],
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      let previous: Instruction | null = null;
      for (const i of ctx.ofKind("CMD", stage)) {
        if (previous) ctx.report(this.meta, previous.range, "Multiple CMD instructions found. If you list more than one CMD then only the last CMD will take effect");
        previous = i;
      }
    }
  },
};
