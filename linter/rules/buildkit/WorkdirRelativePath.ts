import type { Stage } from "../../context.js";
import type { Rule } from "../../types.js";

/**
 * BuildKit WorkdirRelativePath: a relative WORKDIR before any absolute WORKDIR in the stage (or
 * the stages it builds on) depends on the base image's working directory.
 */
export const WorkdirRelativePath: Rule = {
  meta: {
    id: "WorkdirRelativePath",
    source: "buildkit",
    severity: "warning",
    summary: "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes",
    sameAs: ["DL3000"],
  },
  check(ctx) {
    const absoluteAtEnd = new Map<Stage, boolean>();
    for (const stage of ctx.stages) {
      let absolute = stage.parent !== undefined && stage.parent.index < stage.index ? absoluteAtEnd.get(stage.parent) ?? false : false;
      for (const i of ctx.ofKind("WORKDIR", stage)) {
        if (!i.path) continue;
        const path = ctx.resolve(i.path, i);
        if (path === undefined) {
          // Unknown value: assume it may be absolute, and say nothing.
          absolute = true;
          continue;
        }
        if (path.startsWith("/")) absolute = true;
        else if (!absolute) ctx.report(this.meta, i.path.range, `Relative workdir ${JSON.stringify(path)} can have unexpected results if the base image changes`);
      }
      absoluteAtEnd.set(stage, absolute);
    }
  },
};
