import type { Rule } from "../../types.js";

/**
 * hadolint DL3043: `ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.
 * BuildKit refuses these triggers: they would run in another build where they make no sense.
 */
export const DL3043: Rule = {
  meta: {
    id: "DL3043",
    source: "hadolint",
    severity: "error",
    summary: "`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction",
  },
  check(ctx) {
    for (const i of ctx.ofKind("ONBUILD")) {
      if (!i.trigger) continue;
      const k = i.trigger.kind;
      if (k === "ONBUILD" || k === "FROM" || k === "MAINTAINER") ctx.report(this.meta, i.trigger.keywordRange, `${k} cannot be triggered from within an ONBUILD instruction`);
    }
  },
};
