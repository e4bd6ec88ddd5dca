import type { Rule } from "../../types.js";

/**
 * hadolint DL3025: Use arguments JSON notation for CMD and ENTRYPOINT arguments.
 * The shell form runs the command under `/bin/sh -c`, which does not pass signals on, so the container does not stop cleanly.
 */
export const DL3025: Rule = {
  meta: {
    id: "DL3025",
    source: "hadolint",
    severity: "warning",
    summary: "Use arguments JSON notation for CMD and ENTRYPOINT arguments",
    sameAs: ["JSONArgsRecommended"],
  },
  check(ctx) {
    for (const kind of ["CMD", "ENTRYPOINT"] as const) {
      for (const i of ctx.ofKind(kind)) {
        if (i.command.form === "shell") ctx.report(this.meta, i.range, `Use arguments JSON notation for ${i.kind} arguments`);
      }
    }
  },
};
