import type { Rule } from "../../types.js";
import { anyCommand, rangeOf, runCommands, runs, type RunCommand } from "./helpers.js";

const WGET = ["wget"];
const CURL = ["curl"];

/**
 * hadolint DL4001: Either use Wget or Curl but not both.
 * Two download tools in one image is one too many to install and keep updated. Only commands that run count: installing or removing `wget` with a package manager is fine.
 */
export const DL4001: Rule = {
  meta: {
    id: "DL4001",
    source: "hadolint",
    severity: "warning",
    summary: "Either use Wget or Curl but not both",
  },
  check(ctx) {
    // Only a stage running both is reported: nothing to do unless the file runs both.
    if (!anyCommand(ctx, WGET) || !anyCommand(ctx, CURL)) return;
    for (const stage of ctx.stages) {
      let wget: RunCommand | null = null;
      let curl: RunCommand | null = null;
      for (const info of runs(ctx)) {
        if (info.stage !== stage) continue;
        for (const c of runCommands(info)) {
          if (c.name === "wget") wget ??= c;
          if (c.name === "curl") curl ??= c;
        }
      }
      if (!wget || !curl) continue;
      const later = wget.command.command.start + wget.info.run.range.start.offset > curl.command.command.start + curl.info.run.range.start.offset ? wget : curl;
      ctx.report(this.meta, rangeOf(later, later.argv[0]), "Either use Wget or Curl but not both");
    }
  },
};
