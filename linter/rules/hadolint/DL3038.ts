import type { Rule } from "../../types.js";
import { hasFlag } from "../../shell/index.js";
import { allRunCommands, rangeOf, subcommandOf } from "./helpers.js";
import { RPM } from "./specs.js";

const SPEC = RPM;
const SUBS = new Set(["install", "groupinstall", "localinstall", "reinstall", "update", "upgrade", "remove", "erase", "downgrade", "module"]);

/**
 * hadolint DL3038: Use the `-y` switch to avoid manual input `["dnf", "microdnf"] install -y <package>`.
 * Without `-y` (`--assumeyes`) dnf asks for confirmation and the build fails (`microdnf` too).
 */
export const DL3038: Rule = {
  meta: {
    id: "DL3038",
    source: "hadolint",
    severity: "warning",
    summary: "Use the `-y` switch to avoid manual input `[\"dnf\", \"microdnf\"] install -y <package>`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["dnf", "microdnf"])) {
      const sub = subcommandOf(c, SPEC);
      if (sub === null || !SUBS.has(sub)) continue;
      if (hasFlag(c.args, ["y", "assumeyes"], SPEC) || false) continue;
      ctx.report(this.meta, rangeOf(c), `Use the -y switch to avoid manual input \`${c.name} install -y <package>\``);
    }
  },
};
