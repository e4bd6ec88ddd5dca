import type { Rule } from "../../types.js";

const NONE: readonly string[] = [];

/** Some `-`-separated part of `spec` is all digits and above 65535. */
function outOfRange(spec: string): boolean {
  for (let k = 0; k <= spec.length; ) {
    let dash = spec.indexOf("-", k);
    if (dash < 0) dash = spec.length;
    const n = spec.slice(k, dash);
    if (/^\d+$/.test(n) && Number(n) > 65535) return true;
    k = dash + 1;
  }
  return false;
}

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
        // One port per word, nearly always: no split then.
        for (const port of /\s/.test(value) ? value.split(/\s+/).filter(Boolean) : value === "" ? NONE : [value]) {
          const slash = port.indexOf("/");
          if (outOfRange(slash < 0 ? port : port.slice(0, slash))) {
            ctx.report(this.meta, w.range, `Valid UNIX ports range from 0 to 65535 (${port})`);
            break;
          }
        }
      }
    }
  },
};
