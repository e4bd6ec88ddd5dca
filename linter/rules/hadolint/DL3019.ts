import type { Rule } from "../../types.js";
import { hasFlag } from "../../shell/index.js";
import { anyCommand, mountsCache, rangeOf, removes, runCommands, runs, subcommandOf, type RunCommand } from "./helpers.js";
import { APK } from "./specs.js";


/**
 * hadolint DL3019: Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages.
 * `apk add --no-cache` fetches a fresh index and keeps nothing in `/var/cache/apk`. Not reported when the RUN mounts a cache over `/var/cache/apk` (`RUN --mount=type=cache,target=/var/cache/apk`) or removes that directory itself.
 */
const isApk = (c: RunCommand): boolean => c.name === "apk";
const APK_NAME = ["apk"];
const CACHE = ["/var/cache/apk"];
const removesCache = (c: RunCommand): boolean => removes(c, CACHE);

export const DL3019: Rule = {
  meta: {
    id: "DL3019",
    source: "hadolint",
    severity: "info",
    summary: "Use the `--no-cache` switch to avoid the need to use `--update` and remove `/var/cache/apk/*` when done installing packages",
  },
  check(ctx) {
    if (!anyCommand(ctx, APK_NAME)) return;
    for (const info of runs(ctx)) {
      const cmds = runCommands(info);
      if (!cmds.some(isApk)) continue; // most RUNs: nothing to check
      if (mountsCache(info.run, "/var/cache/apk", "/etc/apk/cache")) continue;
      if (cmds.some(removesCache)) continue;
      for (const c of cmds) {
        if (c.name !== "apk" || subcommandOf(c, APK) !== "add") continue;
        if (hasFlag(c.args, ["no-cache"], APK)) continue;
        ctx.report(this.meta, rangeOf(c), "Use the --no-cache switch to avoid the need to use --update and remove /var/cache/apk/* when done installing packages");
      }
    }
  },
};
