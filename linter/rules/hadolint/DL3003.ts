import type { Rule } from "../../types.js";
import { allRunCommands, rangeOf } from "./helpers.js";

/**
 * hadolint DL3003: Use WORKDIR to switch to a directory.
 * `cd` in RUN lasts only for that RUN and hides where files go; WORKDIR states it once. A `cd` inside a subshell (`(cd src && make)`) or a command substitution is not reported: WORKDIR cannot replace it.
 */
export const DL3003: Rule = {
  meta: {
    id: "DL3003",
    source: "hadolint",
    severity: "warning",
    summary: "Use WORKDIR to switch to a directory",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["cd"])) {
      // `(cd dir && make)` and `$(cd dir; pwd)` change directory only inside a subshell: WORKDIR is no substitute.
      if (c.command.inSubshell) continue;
      ctx.report(this.meta, rangeOf(c), "Use WORKDIR to switch to a directory");
    }
  },
};
