import type { Rule } from "../../types.js";
import { afterSubcommand, allRunCommands, pattern, rangeOf, subcommandOf } from "./helpers.js";
import { ZYPPER } from "./specs.js";

const SUBS = new Set(["install", "in"]);
const SPEC = ZYPPER;

/**
 * hadolint DL3037: Specify version with `zypper install -y <package>[=]<version>`.
 * Unpinned packages install whatever the repository has at build time. `name=1.2`, `name>=1.2` and local `.rpm` files are fine.
 */
export const DL3037: Rule = {
  meta: {
    id: "DL3037",
    source: "hadolint",
    severity: "warning",
    summary: "Specify version with `zypper install -y <package>[=]<version>`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["zypper"])) {
      if (!SUBS.has(subcommandOf(c, SPEC) ?? "")) continue;
      const unpinned = afterSubcommand(c, SPEC).filter((w) => {
        const p = pattern(w);
        return p !== null && !(/[=<>]/.test(p) || /-\d/.test(p)) && !/\.rpm$/.test(p) && !/^(\/|\.|https?:)/.test(p) && !p.startsWith("@");
      });
      if (unpinned.length > 0) ctx.report(this.meta, rangeOf(c, unpinned[0]), `Specify version with \`zypper install -y <package>[=]<version>\` (${unpinned.map((w) => w.value ?? w.raw).join(", ")})`);
    }
  },
};
