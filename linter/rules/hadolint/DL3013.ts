import type { Rule } from "../../types.js";
import { parseArgs, type Word } from "../../shell/index.js";
import { allRunCommands, pattern, rangeOf } from "./helpers.js";
import { PIP, pipInstall } from "./pip.js";

function isUnpinned(w: Word): boolean {
  const p = pattern(w);
  if (p === null) return false;
  if (/[=<>~!]=|[<>]|@/.test(p)) return false; // version specifiers and direct references
  if (/^(\.|\/|~|[a-z+]+:\/\/|git\+)/i.test(p) || /\.(whl|tar\.gz|zip|tgz)$/i.test(p)) return false; // paths, URLs, archives
  return true;
}

/**
 * hadolint DL3013: Pin versions in pip.
 * Unpinned packages install the newest release at build time. Version specifiers (`==`, `>=`, `~=`, ...), direct references, local paths, archives, requirement files and `-c` constraint files count as pinned.
 */
export const DL3013: Rule = {
  meta: {
    id: "DL3013",
    source: "hadolint",
    severity: "warning",
    summary: "Pin versions in pip",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx)) {
      const install = pipInstall(c);
      if (!install) continue;
      const parsed = parseArgs(install, PIP);
      if (parsed.options.some((o) => o.name === "c" || o.name === "constraint")) continue;
      const unpinned = parsed.positional.filter(isUnpinned);
      if (unpinned.length > 0) ctx.report(this.meta, rangeOf(c, unpinned[0]), `Pin versions in pip: use \`pip install <package>==<version>\` (${unpinned.map((w) => w.value ?? w.raw).join(", ")})`);
    }
  },
};
