import type { Rule } from "../../types.js";
import { anyCommand, rangeOf, removes, runCommands, runs, subcommandOf } from "./helpers.js";

const YARN = ["yarn"];

/**
 * hadolint DL3060: `yarn cache clean` missing after `yarn install` was run.
 * yarn keeps every downloaded package in its global cache, which stays in the layer. Not reported when the RUN mounts a cache for yarn (`--mount=type=cache,target=/usr/local/share/.cache/yarn`).
 */
export const DL3060: Rule = {
  meta: {
    id: "DL3060",
    source: "hadolint",
    severity: "info",
    summary: "`yarn cache clean` missing after `yarn install` was run",
  },
  check(ctx) {
    if (!anyCommand(ctx, YARN)) return; // only a yarn install is reported
    for (const info of runs(ctx)) {
      if (info.run.mounts.some((m) => m.type === "cache" && /yarn/.test(m.target ?? ""))) continue;
      const cmds = runCommands(info);
      const install = cmds.find((c) => c.name === "yarn" && (subcommandOf(c) === "install" || (subcommandOf(c) === null && c.args.every((w) => w.value?.startsWith("-")))));
      if (!install) continue;
      if (cmds.some((c) => c.name === "yarn" && subcommandOf(c) === "cache" && c.args.some((w) => w.value === "clean"))) continue;
      if (cmds.some((c) => removes(c, ["/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/root/.yarn-cache"]))) continue;
      ctx.report(this.meta, rangeOf(install), "`yarn cache clean` missing after `yarn install` was run");
    }
  },
};
