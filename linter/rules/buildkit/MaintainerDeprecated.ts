import { dockerQuote } from "../../fixes.js";
import type { Rule } from "../../types.js";

/** BuildKit MaintainerDeprecated: MAINTAINER → `LABEL org.opencontainers.image.authors="…"`. */
export const MaintainerDeprecated: Rule = {
  meta: {
    id: "MaintainerDeprecated",
    source: "buildkit",
    severity: "warning",
    summary: "The MAINTAINER instruction is deprecated, use a label instead to define an image author",
    sameAs: ["DL4000"],
    fixable: true,
  },
  check(ctx) {
    for (const i of ctx.ofKind("MAINTAINER")) {
      const src = ctx.text.slice(i.range.start.offset, i.range.end.offset);
      const label = i.keyword === i.keyword.toLowerCase() ? "label" : "LABEL";
      ctx.report(
        this.meta,
        i.range,
        "Maintainer instruction is deprecated in favor of using label",
        /[\r\n]/.test(src) || i.name.trim() === ""
          ? undefined
          : {
              description: "use the org.opencontainers.image.authors label",
              edits: [{ start: i.range.start.offset, end: i.range.end.offset, newText: `${label} org.opencontainers.image.authors=${dockerQuote(i.name.trim())}` }],
            },
      );
    }
  },
};
