import type { Rule } from "../../types.js";

/**
 * hadolint DL3066: Non-numeric user-id may not be resolvable by host system.
 * Tools such as Kubernetes' `runAsNonRoot` can only check a numeric user id. This rule is off unless enabled: named users are common and usually fine.
 */
export const DL3066: Rule = {
  meta: {
    id: "DL3066",
    source: "hadolint",
    severity: "info",
    summary: "Non-numeric user-id may not be resolvable by host system",
    experimental: true,
  },
  check(ctx) {
    for (const i of ctx.ofKind("USER")) {
      if (!i.user) continue;
      const user = ctx.resolve(i.user, i);
      if (user === undefined) continue;
      const uid = user.split(":")[0]!;
      if (!/^\d+$/.test(uid)) ctx.report(this.meta, i.user.range, `Non-numeric user-id may not be resolvable by host system (${uid})`);
    }
  },
};
