import type { Rule } from "../../types.js";
import { anyCommand, finalChain, mountsCache, rangeOf, removes, runCommands, runs, subcommandOf, type RunCommand } from "./helpers.js";
import { APT } from "./specs.js";


const APT_GET = ["apt-get"];
const LISTS = ["/var/lib/apt/lists"];
const isUpdate = (c: RunCommand): boolean => c.name === "apt-get" && subcommandOf(c, APT) === "update";
const cleansLists = (c: RunCommand): boolean =>
  removes(c, LISTS) || (c.name === "find" && c.args.some((w) => w.value?.startsWith("/var/lib/apt/lists")));

/**
 * hadolint DL3009: Delete the apt-get lists after installing something.
 * `apt-get update` leaves tens of megabytes of package lists in the layer. Remove them in the same RUN. Not reported when the RUN mounts a cache or tmpfs over `/var/lib/apt/lists`, or in stages that do not end up in the final image (only files copied out of them do).
 */
export const DL3009: Rule = {
  meta: {
    id: "DL3009",
    source: "hadolint",
    severity: "info",
    summary: "Delete the apt-get lists after installing something",
  },
  check(ctx) {
    if (!anyCommand(ctx, APT_GET)) return; // only an apt-get update is reported
    const chain = finalChain(ctx);
    for (const info of runs(ctx)) {
      if (info.stage && !chain.has(info.stage)) continue;
      if (mountsCache(info.run, "/var/lib/apt/lists", "/var/lib/apt")) continue;
      const cmds = runCommands(info);
      const update = cmds.find(isUpdate);
      if (!update) continue;
      const cleaned = cmds.some(cleansLists);
      if (!cleaned) ctx.report(this.meta, rangeOf(update), "Delete the apt-get lists after installing something: add `rm -rf /var/lib/apt/lists/*` to the same RUN");
    }
  },
};
