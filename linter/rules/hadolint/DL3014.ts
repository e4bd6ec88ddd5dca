import type { Rule } from "../../types.js";
import { flagValues, hasFlag, parseArgs } from "../../shell/index.js";
import { allRunCommands, rangeOf, subcommandOf } from "./helpers.js";
import { APT } from "./specs.js";


/**
 * hadolint DL3014: Use the `-y` switch to avoid manual input `apt-get -y install <package>`.
 * Without `-y` (or `--yes`, `--assume-yes`, `-qq`, `-o APT::Get::Assume-Yes=true`) apt-get asks for confirmation and the build fails.
 */
export const DL3014: Rule = {
  meta: {
    id: "DL3014",
    source: "hadolint",
    severity: "warning",
    summary: "Use the `-y` switch to avoid manual input `apt-get -y install <package>`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["apt-get"])) {
      if (subcommandOf(c, APT) !== "install") continue;
      if (hasFlag(c.args, ["y", "yes", "assume-yes"], APT)) continue;
      const parsed = parseArgs(c.args, APT);
      if (parsed.options.filter((o) => o.name === "q" && !o.long).length >= 2 || parsed.options.some((o) => (o.name === "q" || o.name === "quiet") && o.value === "2")) continue;
      if (c.args.some((w) => /^-qq+$/.test(w.value ?? ""))) continue;
      if (flagValues(c.args, ["o", "option"], APT).some((v) => /^APT::Get::Assume-Yes=(true|yes|1)$/i.test(v))) continue;
      ctx.report(this.meta, rangeOf(c), "Use the -y switch to avoid manual input `apt-get -y install <package>`");
    }
  },
};
