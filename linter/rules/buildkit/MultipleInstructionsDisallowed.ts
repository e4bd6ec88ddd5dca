import type { Instruction } from "../../../parser/index.js";
import type { Rule } from "../../types.js";

const ONCE = new Set(["CMD", "ENTRYPOINT", "HEALTHCHECK"]);

/**
 * BuildKit MultipleInstructionsDisallowed: only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage
 * counts; the earlier ones are reported (they are the ones ignored).
 */
export const MultipleInstructionsDisallowed: Rule = {
  meta: {
    id: "MultipleInstructionsDisallowed",
    source: "buildkit",
    severity: "warning",
    summary: "Multiple instructions of the same type should not be used in the same stage",
    sameAs: ["DL4003", "DL4004"],
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const last = new Map<string, Instruction>();
      for (const i of stage.instructions) {
        if (!ONCE.has(i.kind)) continue;
        const previous = last.get(i.kind);
        if (previous) {
          ctx.report(this.meta, previous.range, `Multiple ${i.kind} instructions should not be used in the same stage because only the last one will be used`);
        }
        last.set(i.kind, i);
      }
    }
  },
};
