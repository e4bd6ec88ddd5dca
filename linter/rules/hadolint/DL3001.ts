import type { Rule } from "../../types.js";
import { allRunCommands, rangeOf } from "./helpers.js";

const POINTLESS = ["free", "ifconfig", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"];

/**
 * hadolint DL3001: For some bash commands it makes no sense running them in a Docker container like ssh, vim, shutdown, service, ps, free, top, kill, mount, ifconfig.
 * Interactive and system-management tools (`ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`) do nothing useful while an image is built. Only commands that run are reported: installing `vim` with a package manager is not.
 */
export const DL3001: Rule = {
  meta: {
    id: "DL3001",
    source: "hadolint",
    severity: "info",
    summary: "For some bash commands it makes no sense running them in a Docker container like ssh, vim, shutdown, service, ps, free, top, kill, mount, ifconfig",
  },
  check(ctx) {
    for (const c of allRunCommands(ctx, POINTLESS)) {
      ctx.report(this.meta, rangeOf(c, c.argv[0]), `For some bash commands it makes no sense running them in a Docker container like ${c.name}`);
    }
  },
};
