import type { Rule } from "../../types.js";

/** BuildKit NoEmptyContinuation: the parser's empty-continuation warning, as a configurable rule. */
export const NoEmptyContinuation: Rule = {
  meta: {
    id: "NoEmptyContinuation",
    source: "buildkit",
    severity: "warning",
    summary: "Empty continuation lines will become errors in a future release",
  },
  check(ctx) {
    for (const d of ctx.diagnostics) {
      if (d.code === "empty-continuation") ctx.report(this.meta, d.range, "Empty continuation line");
    }
  },
};
