import type { Rule } from "../../types.js";

const ONCE = ["CMD", "ENTRYPOINT", "HEALTHCHECK"] as const;

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
      for (const kind of ONCE) {
        const list = ctx.ofKind(kind, stage);
        for (let k = 0; k + 1 < list.length; k++) {
          ctx.report(this.meta, list[k]!.range, `Multiple ${kind} instructions should not be used in the same stage because only the last one will be used`);
        }
      }
    }
  },
};
