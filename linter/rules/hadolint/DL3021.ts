import type { Rule } from "../../types.js";

/**
 * hadolint DL3021: COPY with more than 2 arguments requires the last argument to end with /.
 * With several sources the destination must be a directory, written with a trailing `/`; BuildKit refuses the build otherwise.
 */
export const DL3021: Rule = {
  meta: {
    id: "DL3021",
    source: "hadolint",
    severity: "error",
    summary: "COPY with more than 2 arguments requires the last argument to end with /",
  },
  check(ctx) {
    for (const kind of ["COPY", "ADD"] as const) {
      for (const i of ctx.ofKind(kind)) {
        if (i.sources.length < 2 || !i.destination) continue;
        const dest = ctx.resolve(i.destination, i);
        if (dest === undefined || dest.endsWith("/") || dest.endsWith("\\")) continue;
        ctx.report(this.meta, i.destination.range, `${i.kind} with more than 2 arguments requires the last argument to end with /`);
      }
    }
  },
};
