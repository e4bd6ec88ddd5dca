import type { Rule } from "../../types.js";
import type { Instruction } from "../../../parser/index.js";

/**
 * hadolint DL4004: Multiple `ENTRYPOINT` instructions found.
 * Only the last ENTRYPOINT of a stage takes effect; the earlier ones are reported (where BuildKit's MultipleInstructionsDisallowed reports, so both merge).
 */
export const DL4004: Rule = {
  meta: {
    id: "DL4004",
    source: "hadolint",
    severity: "error",
    summary: "Multiple `ENTRYPOINT` instructions found",
    sameAs: ["MultipleInstructionsDisallowed"],
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      let previous: Instruction | null = null;
      for (const i of ctx.ofKind("ENTRYPOINT", stage)) {
        if (previous) ctx.report(this.meta, previous.range, "Multiple ENTRYPOINT instructions found. If you list more than one ENTRYPOINT then only the last ENTRYPOINT will take effect");
        previous = i;
      }
    }
  },
};
