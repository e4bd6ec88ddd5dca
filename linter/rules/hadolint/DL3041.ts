import type { Rule } from "../../types.js";
import { afterSubcommand, allRunCommands, pattern, rangeOf, subcommandOf } from "./helpers.js";
import { RPM } from "./specs.js";

const SUBS = new Set(["install", "groupinstall", "localinstall"]);
const SPEC = RPM;

/**
 * hadolint DL3041: Specify version with `dnf install -y <package>-<version>`.
 * Unpinned packages install whatever the repository has at build time. `name-1.2.3`, `name-${VERSION}`, module streams (`nodejs:18`) and local `.rpm` files are fine.
 */
export const DL3041: Rule = {
  meta: {
    id: "DL3041",
    source: "hadolint",
    severity: "warning",
    summary: "Specify version with `dnf install -y <package>-<version>`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["dnf", "microdnf"])) {
      if (!SUBS.has(subcommandOf(c, SPEC) ?? "")) continue;
      const unpinned = afterSubcommand(c, SPEC).filter((w) => {
        const p = pattern(w);
        return p !== null && !(/-\d/.test(p) || /[=<>:]/.test(p)) && !/\.rpm$/.test(p) && !/^(\/|\.|https?:)/.test(p) && !p.startsWith("@");
      });
      if (unpinned.length > 0) ctx.report(this.meta, rangeOf(c, unpinned[0]), `Specify version with \`dnf install -y <package>-<version>\` (${unpinned.map((w) => w.value ?? w.raw).join(", ")})`);
    }
  },
};
