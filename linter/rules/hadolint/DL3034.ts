import type { Rule } from "../../types.js";
import { hasFlag } from "../../shell/index.js";
import { allRunCommands, rangeOf, subcommandOf } from "./helpers.js";
import { ZYPPER } from "./specs.js";

const SUBS = new Set(["install", "in", "remove", "rm", "source-install", "si", "patch", "update", "up", "dist-upgrade", "dup"]);

/**
 * hadolint DL3034: Non-interactive switch missing from `zypper` command: `zypper install -y`.
 * Without `-n` (`--non-interactive`) or `-y` (`--no-confirm`) zypper asks for confirmation and the build fails.
 */
export const DL3034: Rule = {
  meta: {
    id: "DL3034",
    source: "hadolint",
    severity: "warning",
    summary: "Non-interactive switch missing from `zypper` command: `zypper install -y`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["zypper"])) {
      const sub = subcommandOf(c, ZYPPER);
      if (sub === null || !SUBS.has(sub)) continue;
      if (hasFlag(c.args, ["n", "non-interactive", "y", "no-confirm"], ZYPPER)) continue;
      ctx.report(this.meta, rangeOf(c), "Non-interactive switch missing from zypper command: `zypper install -y`");
    }
  },
};
