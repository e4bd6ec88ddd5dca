import type { Rule } from "../../types.js";
import type { OptionSpec } from "../../shell/index.js";
import { finalChain, mountsCache, rangeOf, removes, runCommands, runs, subcommandOf } from "./helpers.js";

const APT: OptionSpec = { shortWithValue: "otc", longWithValue: ["option", "target-release", "default-release", "config-file"] };

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
    const chain = finalChain(ctx);
    for (const info of runs(ctx)) {
      if (info.stage && !chain.has(info.stage)) continue;
      if (mountsCache(info.run, "/var/lib/apt/lists", "/var/lib/apt")) continue;
      const cmds = runCommands(info);
      const update = cmds.find((c) => c.name === "apt-get" && subcommandOf(c, APT) === "update");
      if (!update) continue;
      const cleaned = cmds.some((c) => removes(c, ["/var/lib/apt/lists"]) || (c.name === "find" && c.args.some((w) => w.value?.startsWith("/var/lib/apt/lists"))));
      if (!cleaned) ctx.report(this.meta, rangeOf(update), "Delete the apt-get lists after installing something: add `rm -rf /var/lib/apt/lists/*` to the same RUN");
    }
  },
};
