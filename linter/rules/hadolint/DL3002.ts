import type { Rule } from "../../types.js";

/**
 * hadolint DL3002: Last user should not be root.
 * The last USER of the final stage is the user the container runs as; root gives an attacker who gets in the most power.
 */
export const DL3002: Rule = {
  meta: {
    id: "DL3002",
    source: "hadolint",
    severity: "warning",
    summary: "Last user should not be root",
  },
  check(ctx) {
    const stage = ctx.stages[ctx.stages.length - 1];
    if (!stage) return;
    const users = ctx.ofKind("USER", stage);
    const last = users.length > 0 ? users[users.length - 1]! : null;
    if (last === null || !last.user) return;
    const user = ctx.resolve(last.user, last);
    if (user === undefined) return;
    const name = user.split(":")[0]!;
    if (name === "root" || name === "0") ctx.report(this.meta, last.range, "Last USER should not be root");
  },
};
