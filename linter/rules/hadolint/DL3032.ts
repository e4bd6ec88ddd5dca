import type { Rule } from "../../types.js";
import { anyCommand, mountsCache, rangeOf, removes, runCommands, runs, subcommandOf } from "./helpers.js";
import { RPM } from "./specs.js";

const TOOLS = ["yum"];
const SUBS = new Set(["install", "groupinstall", "localinstall", "reinstall", "update", "upgrade"]);
const CLEAN = /(^|\s)clean\s+all\b/;
const SPEC = RPM;

/**
 * hadolint DL3032: `yum clean all` missing after yum command.
 * yum keeps package data in `/var/cache/yum`; run `yum clean all` in the same RUN. Not reported when the RUN mounts a cache over `/var/cache/yum` or removes it.
 */
export const DL3032: Rule = {
  meta: {
    id: "DL3032",
    source: "hadolint",
    severity: "warning",
    summary: "`yum clean all` missing after yum command",
  },
  check(ctx) {
    if (!anyCommand(ctx, TOOLS)) return; // only a use of the tool is reported
    for (const info of runs(ctx)) {
      if (mountsCache(info.run, "/var/cache/yum")) continue;
      const cmds = runCommands(info);
      const use = cmds.find((c) => c.name !== null && TOOLS.includes(c.name) && SUBS.has(subcommandOf(c, SPEC) ?? ""));
      if (!use) continue;
      const cleaned = cmds.some((c) => (c.name !== null && TOOLS.includes(c.name) && CLEAN.test(c.args.map((w) => w.value ?? "").join(" "))) || removes(c, ["/var/cache/yum"]));
      if (!cleaned) ctx.report(this.meta, rangeOf(use), "`yum clean all` missing after yum command");
    }
  },
};
