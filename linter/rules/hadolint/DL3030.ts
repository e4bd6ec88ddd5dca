import type { Rule } from "../../types.js";
import { hasFlag, type OptionSpec } from "../../shell/index.js";
import { allRunCommands, rangeOf, subcommandOf } from "./helpers.js";

const SPEC: OptionSpec = { shortWithValue: "cRdex", longWithValue: ["config", "releasever", "installroot", "enablerepo", "disablerepo", "exclude", "setopt"] };
const SUBS = new Set(["install", "groupinstall", "localinstall", "reinstall", "update", "upgrade", "remove", "erase", "downgrade"]);

/**
 * hadolint DL3030: Use the `-y` switch to avoid manual input `["yum"] install -y <package>`.
 * Without `-y` (`--assumeyes`) yum asks for confirmation and the build fails.
 */
export const DL3030: Rule = {
  meta: {
    id: "DL3030",
    source: "hadolint",
    severity: "warning",
    summary: "Use the `-y` switch to avoid manual input `[\"yum\"] install -y <package>`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["yum"])) {
      const sub = subcommandOf(c, SPEC);
      if (sub === null || !SUBS.has(sub)) continue;
      if (hasFlag(c.args, ["y", "assumeyes"], SPEC) || false) continue;
      ctx.report(this.meta, rangeOf(c), `Use the -y switch to avoid manual input \`${c.name} install -y <package>\``);
    }
  },
};
