import type { Rule } from "../../types.js";
import { allRunCommands, rangeOf } from "./helpers.js";

/**
 * hadolint DL3004: Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root.
 * Build steps already run as root unless USER says otherwise; `sudo` needs a tty and its configuration, and behaves differently across images. Use `gosu`/`su-exec` in entrypoints.
 */
export const DL3004: Rule = {
  meta: {
    id: "DL3004",
    source: "hadolint",
    severity: "error",
    summary: "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx)) {
      if (c.name === "sudo" || c.wrappers.includes("sudo")) ctx.report(this.meta, rangeOf(c), "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root");
    }
  },
};
