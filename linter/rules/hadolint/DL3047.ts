import type { Rule } from "../../types.js";
import { allRunCommands, rangeOf } from "./helpers.js";

/**
 * hadolint DL3047: `wget` without flag `--progress` will result in excessively bloated build logs when downloading larger files.
 * wget's default progress bar prints a line per chunk in non-interactive logs. Use `--progress=dot:giga`, or quiet it (`-q`, `-nv`) or send the log elsewhere (`-o`).
 */
export const DL3047: Rule = {
  meta: {
    id: "DL3047",
    source: "hadolint",
    severity: "info",
    summary: "`wget` without flag `--progress` will result in excessively bloated build logs when downloading larger files",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["wget"])) {
      const quiet = c.args.some((w) => {
        const v = w.value ?? "";
        return v.startsWith("--progress") || v === "-q" || v === "--quiet" || v === "-nv" || v === "--no-verbose" ||
          v === "-o" || v.startsWith("--output-file") || v === "-a" || v.startsWith("--append-output") || /^-(?!-)[a-zA-Z]*q/.test(v);
      });
      if (!quiet) ctx.report(this.meta, rangeOf(c), "`wget` without flag `--progress` will result in excessively bloated build logs when downloading larger files");
    }
  },
};
