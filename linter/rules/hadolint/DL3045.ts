import type { Rule } from "../../types.js";
import type { Stage } from "../../context.js";

/**
 * hadolint DL3045: `COPY` to a relative destination without `WORKDIR` set.
 * A relative destination is resolved against the working directory the base image happens to set. A WORKDIR in the stage (or a stage it builds on) makes it explicit.
 */
export const DL3045: Rule = {
  meta: {
    id: "DL3045",
    source: "hadolint",
    severity: "warning",
    summary: "`COPY` to a relative destination without `WORKDIR` set",
  },
  check(ctx) {
    const hasWorkdir = new Map<Stage, boolean>();
    for (const stage of ctx.stages) {
      const inherited = stage.parent && stage.parent.index < stage.index ? hasWorkdir.get(stage.parent) ?? false : false;
      // A COPY after the stage's first WORKDIR has one set.
      const workdir = ctx.ofKind("WORKDIR", stage)[0];
      const set = inherited || workdir !== undefined;
      for (const i of ctx.ofKind("COPY", stage)) {
        if (inherited || (workdir !== undefined && workdir.range.start.offset < i.range.start.offset) || !i.destination) continue;
        const dest = ctx.resolve(i.destination, i);
        if (dest === undefined || dest.startsWith("/") || /^[A-Za-z]:[\\/]/.test(dest) || dest.startsWith("\\")) continue;
        ctx.report(this.meta, i.destination.range, `COPY to a relative destination without WORKDIR set (${dest})`);
      }
      hasWorkdir.set(stage, set);
    }
  },
};
