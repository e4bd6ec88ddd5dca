import type { Rule } from "../../types.js";
import { hasFlag, parseArgs } from "../../shell/index.js";
import { allRunCommands, assigns, envValue, mountsCache, rangeOf, runCommands, runs, type RunCommand } from "./helpers.js";
import { PIP, pipInstall } from "./pip.js";

const isPipInstall = (c: RunCommand): boolean => pipInstall(c) !== null;

/**
 * hadolint DL3042: Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`.
 * pip keeps every downloaded wheel in `~/.cache/pip`, which then stays in the layer. Not reported when `PIP_NO_CACHE_DIR` is set (ENV or in front of the command) or the RUN mounts a cache over pip's cache directory (`RUN --mount=type=cache,target=/root/.cache/pip`): then caching is the point.
 */
export const DL3042: Rule = {
  meta: {
    id: "DL3042",
    source: "hadolint",
    severity: "warning",
    summary: "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`",
  },
  check(ctx) {
    if (!allRunCommands(ctx).some(isPipInstall)) return; // only a pip install is reported
    for (const info of runs(ctx)) {
      if (mountsCache(info.run, "/root/.cache/pip", "/root/.cache", "~/.cache/pip")) continue;
      if (info.run.mounts.some((m) => m.type === "cache" && (m.target ?? "").includes("pip"))) continue;
      const env = envValue(ctx, info.at, "PIP_NO_CACHE_DIR");
      if (env !== undefined && env !== "" && env !== "0" && env.toLowerCase() !== "false") continue;
      for (const c of runCommands(info)) {
        const install = pipInstall(c);
        if (!install) continue;
        if (assigns(c, "PIP_NO_CACHE_DIR") || hasFlag(install, ["no-cache-dir"], PIP)) continue;
        if (parseArgs(install, PIP).positional.length === 0 && !hasFlag(install, ["r", "requirement", "e", "editable"], PIP)) continue;
        ctx.report(this.meta, rangeOf(c), "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`");
      }
    }
  },
};
