import type { Rule } from "../../types.js";
import type { Word } from "../../shell/index.js";
import { afterSubcommand, allRunCommands, pattern, rangeOf, subcommandOf } from "./helpers.js";
import { APK } from "./specs.js";


function isUnpinned(w: Word): boolean {
  const p = pattern(w);
  return p !== null && !/[=<>~]/.test(p) && !p.endsWith(".apk") && !p.startsWith("/") && !p.startsWith(".");
}

/**
 * hadolint DL3018: Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`.
 * Unpinned packages install whatever the repository has at build time. `pkg=1.2`, `pkg~1.2`, `pkg>1` and `pkg=${V}` count as pinned; local `.apk` files and the `--virtual` name are not packages.
 */
export const DL3018: Rule = {
  meta: {
    id: "DL3018",
    source: "hadolint",
    severity: "warning",
    summary: "Pin versions in apk add. Instead of `apk add <package>` use `apk add <package>=<version>`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["apk"])) {
      if (subcommandOf(c, APK) !== "add") continue;
      const unpinned = afterSubcommand(c, APK).filter(isUnpinned);
      if (unpinned.length > 0) ctx.report(this.meta, rangeOf(c, unpinned[0]), `Pin versions in apk add: use \`apk add <package>=<version>\` (${unpinned.map((w) => w.value ?? w.raw).join(", ")})`);
    }
  },
};
