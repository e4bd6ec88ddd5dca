import type { Rule } from "../../types.js";
import { flagValues, hasFlag } from "../../shell/index.js";
import { allRunCommands, rangeOf, subcommandOf } from "./helpers.js";
import { APT } from "./specs.js";


/**
 * hadolint DL3015: Avoid additional packages by specifying `--no-install-recommends`.
 * apt-get installs recommended packages too by default, which grows the image with things nobody asked for. `-o APT::Install-Recommends=false` works as well.
 */
export const DL3015: Rule = {
  meta: {
    id: "DL3015",
    source: "hadolint",
    severity: "info",
    summary: "Avoid additional packages by specifying `--no-install-recommends`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["apt-get"])) {
      if (subcommandOf(c, APT) !== "install") continue;
      if (hasFlag(c.args, ["no-install-recommends"], APT)) continue;
      if (flagValues(c.args, ["o", "option"], APT).some((v) => /^APT::Install-Recommends=(false|no|0)$/i.test(v))) continue;
      ctx.report(this.meta, rangeOf(c), "Avoid additional packages by specifying `--no-install-recommends`");
    }
  },
};
