import type { Rule } from "../../types.js";

/**
 * hadolint DL3067: Do not copy an entire filesystem from another stage.
 * `COPY --from=stage / /` copies every file of the stage, including package caches and build tools, over the current root.
 */
export const DL3067: Rule = {
  meta: {
    id: "DL3067",
    source: "hadolint",
    severity: "warning",
    summary: "Do not copy an entire filesystem from another stage",
  },
  check(ctx) {
    for (const i of ctx.ofKind("COPY")) {
      if (i.from === null || !i.destination) continue;
      const dest = ctx.resolve(i.destination, i);
      if (dest !== "/") continue;
      if (i.sources.some((s) => ctx.resolve(s, i) === "/")) ctx.report(this.meta, i.range, "Do not copy an entire filesystem from another stage");
    }
  },
};
