import type { Rule } from "../../types.js";
import type { OptionSpec } from "../../shell/index.js";
import { afterSubcommand, allRunCommands, pattern, rangeOf, subcommandOf } from "./helpers.js";

const GO: OptionSpec = { longWithValue: [], singleDashLong: true };

/**
 * hadolint DL3062: Pin versions in go install. Instead of `go install <package>` use `go install <package>@<version>`.
 * `go install module/path` without `@version` (or with `@latest`) takes whatever is newest. Local packages (`./cmd/x`) build from the context and are fine.
 */
export const DL3062: Rule = {
  meta: {
    id: "DL3062",
    source: "hadolint",
    severity: "warning",
    summary: "Pin versions in go install. Instead of `go install <package>` use `go install <package>@<version>`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["go"])) {
      if (subcommandOf(c, GO) !== "install") continue;
      const unpinned = afterSubcommand(c, GO).filter((w) => {
        const p = pattern(w);
        if (p === null || p.startsWith(".") || p.startsWith("/") || !p.includes(".")) return false; // local packages and std commands
        const at = p.lastIndexOf("@");
        return at < 0 || p.slice(at + 1) === "latest";
      });
      if (unpinned.length > 0) ctx.report(this.meta, rangeOf(c, unpinned[0]), `Pin versions in go install: use \`go install <package>@<version>\` (${unpinned.map((w) => w.value ?? w.raw).join(", ")})`);
    }
  },
};
