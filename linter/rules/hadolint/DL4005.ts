import type { Rule } from "../../types.js";
import { allRunCommands, positional, rangeOf } from "./helpers.js";

/**
 * hadolint DL4005: Use SHELL to change the default shell.
 * Replacing `/bin/sh` with a link to another shell changes it for every later tool in the image; `SHELL ["/bin/bash", "-c"]` changes it for the Dockerfile only.
 */
export const DL4005: Rule = {
  meta: {
    id: "DL4005",
    source: "hadolint",
    severity: "warning",
    summary: "Use SHELL to change the default shell",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, ["ln"])) {
      const args = positional(c);
      const target = args[args.length - 1]?.value;
      if (args.length >= 2 && (target === "/bin/sh" || target === "/usr/bin/sh")) ctx.report(this.meta, rangeOf(c), "Use SHELL to change the default shell");
    }
  },
};
