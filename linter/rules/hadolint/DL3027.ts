import type { Rule } from "../../types.js";
import { allRunCommands, rangeOf } from "./helpers.js";

/**
 * hadolint DL3027: Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead.
 * `apt`'s interface and output are meant for people and may change between releases; scripts should use `apt-get` and `apt-cache`.
 */
export const DL3027: Rule = {
  meta: {
    id: "DL3027",
    source: "hadolint",
    severity: "warning",
    summary: "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["apt"])) {
      ctx.report(this.meta, rangeOf(c, c.argv[0]), "Do not use apt as it is meant to be an end-user tool, use apt-get or apt-cache instead");
    }
  },
};
