import type { Rule } from "../../types.js";

/**
 * hadolint DL3000: Use absolute WORKDIR.
 * A relative WORKDIR depends on the base image's working directory. Values that depend on unknown ARGs are not reported.
 */
export const DL3000: Rule = {
  meta: {
    id: "DL3000",
    source: "hadolint",
    severity: "error",
    summary: "Use absolute WORKDIR",
    sameAs: ["WorkdirRelativePath"],
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      for (const i of ctx.ofKind("WORKDIR", stage)) {
        if (!i.path) continue;
        const path = ctx.resolve(i.path, i);
        if (path === undefined || path === "" || path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith("\\")) continue;
        ctx.report(this.meta, i.path.range, "Use absolute WORKDIR");
      }
    }
  },
};
