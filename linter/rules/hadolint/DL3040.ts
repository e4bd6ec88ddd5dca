import type { Rule } from "../../types.js";
import { anyCommand, mountsCache, rangeOf, removes, runCommands, runs, subcommandOf } from "./helpers.js";
import { RPM } from "./specs.js";

const TOOLS = ["dnf", "microdnf"];
const SUBS = new Set(["install", "groupinstall", "localinstall", "reinstall", "update", "upgrade", "module"]);
const CLEAN = /(^|\s)clean\s+all\b/;
const SPEC = RPM;

/**
 * hadolint DL3040: `dnf clean all` missing after dnf command.
 * dnf keeps package data in `/var/cache/dnf`; run `dnf clean all` (or `microdnf clean all`) in the same RUN. Not reported when the RUN mounts a cache over `/var/cache/dnf` or removes it.
 */
export const DL3040: Rule = {
  meta: {
    id: "DL3040",
    source: "hadolint",
    severity: "warning",
    summary: "`dnf clean all` missing after dnf command",
  },
  check(ctx) {
    if (!anyCommand(ctx, TOOLS)) return; // only a use of the tool is reported
    for (const info of runs(ctx)) {
      if (mountsCache(info.run, "/var/cache/dnf", "/var/cache/yum")) continue;
      const cmds = runCommands(info);
      const use = cmds.find((c) => c.name !== null && TOOLS.includes(c.name) && SUBS.has(subcommandOf(c, SPEC) ?? ""));
      if (!use) continue;
      const cleaned = cmds.some((c) => (c.name !== null && TOOLS.includes(c.name) && CLEAN.test(c.args.map((w) => w.value ?? "").join(" "))) || removes(c, ["/var/cache/dnf", "/var/cache/yum"]));
      if (!cleaned) ctx.report(this.meta, rangeOf(use), "`dnf clean all` missing after dnf command");
    }
  },
};
