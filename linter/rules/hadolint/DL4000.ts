import type { Rule } from "../../types.js";

/**
 * hadolint DL4000: MAINTAINER is deprecated.
 * Use `LABEL org.opencontainers.image.authors=...` instead.
 */
export const DL4000: Rule = {
  meta: {
    id: "DL4000",
    source: "hadolint",
    severity: "error",
    summary: "MAINTAINER is deprecated",
    sameAs: ["MaintainerDeprecated"],
  },
  check(ctx) {
    for (const i of ctx.ofKind("MAINTAINER")) ctx.report(this.meta, i.range, "MAINTAINER is deprecated");
  },
};
