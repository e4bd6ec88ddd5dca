import type { Rule } from "../../types.js";

/**
 * hadolint DL1001: Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`.
 * Inline `# hadolint ignore=` pragmas hide findings where nobody reviews them (off unless enabled, as in hadolint).
 */
export const DL1001: Rule = {
  meta: {
    id: "DL1001",
    source: "hadolint",
    severity: "info",
    summary: "Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`",
    experimental: true,
  },
  check(ctx) {
    for (const c of ctx.dockerfile.comments) {
      if (/^(?:hadolint|kiln)\s+ignore\s*=/i.test(c.text)) ctx.report(this.meta, c.range, "Please refrain from using inline ignore pragmas `# hadolint ignore=DLxxxx`");
    }
  },
};
