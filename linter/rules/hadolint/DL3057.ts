import type { Rule } from "../../types.js";
import { finalChain } from "./helpers.js";

/**
 * hadolint DL3057: `HEALTHCHECK` instruction missing.
 * Without a HEALTHCHECK the runtime only knows whether the process runs, not whether it works. Off unless enabled, as in hadolint; the final stage and the stages it builds on are searched.
 */
export const DL3057: Rule = {
  meta: {
    id: "DL3057",
    source: "hadolint",
    severity: "info",
    summary: "`HEALTHCHECK` instruction missing",
    experimental: true,
  },
  check(ctx) {
    const chain = finalChain(ctx);
    if (chain.size === 0) return;
    for (const stage of chain) if (ctx.ofKind("HEALTHCHECK", stage).length > 0) return;
    const last = ctx.stages[ctx.stages.length - 1]!;
    ctx.report(this.meta, last.from.range, "HEALTHCHECK instruction missing");
  },
};
