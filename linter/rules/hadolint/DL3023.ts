import type { Rule } from "../../types.js";

/**
 * hadolint DL3023: COPY --from cannot reference its own FROM alias.
 * A stage cannot copy from itself: the build would depend on its own result.
 */
export const DL3023: Rule = {
  meta: {
    id: "DL3023",
    source: "hadolint",
    severity: "error",
    summary: "COPY --from cannot reference its own FROM alias",
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      for (const i of ctx.ofKind("COPY", stage)) {
        if (i.from === null) continue;
        const from = ctx.resolve(i.from, i);
        if (from === undefined) continue;
        const own = (stage.name !== null && from.toLowerCase() === stage.name) || from === String(stage.index);
        if (own) ctx.report(this.meta, i.flags.find((f) => f.name === "from")!.range, "COPY --from cannot reference its own FROM alias");
      }
    }
  },
};
