import type { Rule } from "../../types.js";

/**
 * hadolint DL3011: Valid UNIX ports range from 0 to 65535.
 * A port (or either end of a port range) above 65535 cannot exist.
 */
export const DL3011: Rule = {
  meta: {
    id: "DL3011",
    source: "hadolint",
    severity: "error",
    summary: "Valid UNIX ports range from 0 to 65535",
  },
  check(ctx) {
    for (const i of ctx.ofKind("EXPOSE")) {
      for (const w of i.ports) {
        const value = ctx.resolve(w, i);
        if (value === undefined) continue;
        for (const port of value.split(/\s+/).filter(Boolean)) {
          const spec = port.split("/")[0]!;
          const nums = spec.split("-");
          if (nums.some((n) => /^\d+$/.test(n) && Number(n) > 65535)) {
            ctx.report(this.meta, w.range, `Valid UNIX ports range from 0 to 65535 (${port})`);
            break;
          }
        }
      }
    }
  },
};
