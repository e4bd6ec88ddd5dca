import type { Rule } from "../../types.js";
import { allRunCommands, rangeOf, subcommandOf } from "./helpers.js";
import { ZYPPER } from "./specs.js";


/**
 * hadolint DL3035: Do not use `zypper dist-upgrade`.
 * A distribution upgrade inside an image build changes the base system in ways the base image's maintainers did not test; use a newer base image instead.
 */
export const DL3035: Rule = {
  meta: {
    id: "DL3035",
    source: "hadolint",
    severity: "warning",
    summary: "Do not use `zypper dist-upgrade`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["zypper"])) {
      const sub = subcommandOf(c, ZYPPER);
      if (sub === "dist-upgrade" || sub === "dup") ctx.report(this.meta, rangeOf(c), "Do not use zypper dist-upgrade");
    }
  },
};
