import type { Rule } from "../../types.js";
import type { Word } from "../../shell/index.js";
import { afterSubcommand, allRunCommands, pattern, rangeOf, subcommandOf } from "./helpers.js";
import { APT } from "./specs.js";


function isUnpinned(w: Word): boolean {
  const p = pattern(w);
  return p !== null && !p.includes("=") && !p.endsWith(".deb") && !p.startsWith("/") && !p.startsWith("./");
}

/**
 * hadolint DL3008: Pin versions in apt-get install.
 * Unpinned packages install whatever version the mirror has that day, so two builds of the same Dockerfile differ. `pkg=${VERSION}` counts as pinned; packages that are only a variable are not reported; local `.deb` files are fine.
 */
export const DL3008: Rule = {
  meta: {
    id: "DL3008",
    source: "hadolint",
    severity: "warning",
    summary: "Pin versions in apt-get install",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["apt-get"])) {
      if (subcommandOf(c, APT) !== "install") continue;
      const unpinned = afterSubcommand(c, APT).filter(isUnpinned);
      if (unpinned.length === 0) continue;
      ctx.report(this.meta, rangeOf(c, unpinned[0]), `Pin versions in apt-get install: use \`apt-get install <package>=<version>\` (${unpinned.map((w) => w.value ?? w.raw).join(", ")})`);
    }
  },
};
