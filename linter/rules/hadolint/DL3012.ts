import type { Rule } from "../../types.js";
import type { Instruction } from "../../../parser/index.js";

/**
 * hadolint DL3012: Multiple HEALTHCHECK instructions.
 * Only the last HEALTHCHECK of a stage takes effect; the earlier ones are reported (the same place BuildKit's MultipleInstructionsDisallowed reports, so both merge).
 */
export const DL3012: Rule = {
  meta: {
    id: "DL3012",
    source: "hadolint",
    severity: "error",
    summary: "Multiple HEALTHCHECK instructions",
    sameAs: ["MultipleInstructionsDisallowed"],
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      let previous: Instruction | null = null;
      for (const i of ctx.ofKind("HEALTHCHECK", stage)) {
        if (previous) ctx.report(this.meta, previous.range, "Multiple HEALTHCHECK instructions: only the last one takes effect");
        previous = i;
      }
    }
  },
};
