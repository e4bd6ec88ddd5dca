import type { Rule } from "../../types.js";
import type { OptionSpec } from "../../shell/index.js";
import { afterSubcommand, allRunCommands, pattern, rangeOf, subcommandOf } from "./helpers.js";

const NPM: OptionSpec = { longWithValue: ["registry", "prefix", "cache", "userconfig", "tag", "workspace", "loglevel", "omit", "include", "install-strategy"], shortWithValue: "w" };

/**
 * hadolint DL3016: Pin versions in `npm`.
 * `npm install <package>` without a version takes the newest release. `npm install` without packages (from package.json / lock file), `npm ci`, local paths, tarballs, git and GitHub references are fine; `@latest` is not a pin.
 */
export const DL3016: Rule = {
  meta: {
    id: "DL3016",
    source: "hadolint",
    severity: "warning",
    summary: "Pin versions in `npm`",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["npm"])) {
      const sub = subcommandOf(c, NPM);
      if (sub !== "install" && sub !== "i" && sub !== "add" && sub !== "isntall") continue;
      const unpinned = afterSubcommand(c, NPM).filter((w) => {
        const p = pattern(w);
        if (p === null) return false;
        if (/^(\.|\/|~|file:|git\+|git:|https?:|github:)/.test(p) || /\.(tgz|tar\.gz)$/.test(p) || /^[^@/]+\/[^@/]+(#.*)?$/.test(p)) return false;
        const at = p.lastIndexOf("@");
        if (at <= 0) return true;
        return p.slice(at + 1) === "latest" || p.slice(at + 1) === "";
      });
      if (unpinned.length > 0) ctx.report(this.meta, rangeOf(c, unpinned[0]), `Pin versions in npm: use \`npm install <package>@<version>\` (${unpinned.map((w) => w.value ?? w.raw).join(", ")})`);
    }
  },
};
