import type { Rule } from "../../types.js";
import { anyCommand, mountsCache, rangeOf, removes, runCommands, runs, subcommandOf } from "./helpers.js";
import { RPM } from "./specs.js";

const TOOLS = ["zypper"];
const SUBS = new Set(["install", "in", "update", "up", "patch", "dist-upgrade", "dup", "source-install", "si"]);
const CLEAN = /(^|\s)(clean|cc)\b/;
const SPEC = RPM;

/**
 * hadolint DL3036: `zypper clean` missing after zypper use.
 * zypper keeps downloaded packages and metadata in `/var/cache/zypp`; run `zypper clean` (`zypper cc`) in the same RUN. Not reported when the RUN mounts a cache over `/var/cache/zypp` or removes it.
 */
export const DL3036: Rule = {
  meta: {
    id: "DL3036",
    source: "hadolint",
    severity: "warning",
    summary: "`zypper clean` missing after zypper use",
  },
  check(ctx) {
    if (!anyCommand(ctx, TOOLS)) return; // only a use of the tool is reported
    for (const info of runs(ctx)) {
      if (mountsCache(info.run, "/var/cache/zypp")) continue;
      const cmds = runCommands(info);
      const use = cmds.find((c) => c.name !== null && TOOLS.includes(c.name) && SUBS.has(subcommandOf(c, SPEC) ?? ""));
      if (!use) continue;
      const cleaned = cmds.some((c) => (c.name !== null && TOOLS.includes(c.name) && CLEAN.test(c.args.map((w) => w.value ?? "").join(" "))) || removes(c, ["/var/cache/zypp"]));
      if (!cleaned) ctx.report(this.meta, rangeOf(use), "`zypper clean` missing after zypper use");
    }
  },
};
