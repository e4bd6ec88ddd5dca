import type { Rule } from "../../types.js";
import { hasFlag, type OptionSpec } from "../../shell/index.js";
import { afterSubcommand, allRunCommands, pattern, rangeOf, subcommandOf } from "./helpers.js";

const GEM: OptionSpec = { shortWithValue: "vinsP", longWithValue: ["version", "install-dir", "bindir", "source", "platform", "trust-policy", "document", "build-root"] };

/**
 * hadolint DL3028: Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`.
 * Unpinned gems install the newest release at build time. `gem:1.2`, `-v 1.2` / `--version` and local `.gem` files are fine.
 */
export const DL3028: Rule = {
  meta: {
    id: "DL3028",
    source: "hadolint",
    severity: "warning",
    summary: "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["gem"])) {
      if (subcommandOf(c, GEM) !== "install" && subcommandOf(c, GEM) !== "i") continue;
      if (hasFlag(c.args, ["v", "version"], GEM)) continue;
      const unpinned = afterSubcommand(c, GEM).filter((w) => {
        const p = pattern(w);
        return p !== null && !p.includes(":") && !/\.gem$/.test(p);
      });
      if (unpinned.length > 0) ctx.report(this.meta, rangeOf(c, unpinned[0]), `Pin versions in gem install: use \`gem install <gem>:<version>\` (${unpinned.map((w) => w.value ?? w.raw).join(", ")})`);
    }
  },
};
