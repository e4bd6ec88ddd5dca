import type { Rule } from "../../types.js";

/**
 * hadolint DL3061: Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.
 * Only ARG may come before the first FROM; BuildKit rejects anything else.
 */
export const DL3061: Rule = {
  meta: {
    id: "DL3061",
    source: "hadolint",
    severity: "error",
    summary: "Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment",
  },
  check(ctx) {
    const first = ctx.instructions.find((i) => i.kind !== "ARG");
    if (first && first.kind !== "FROM") ctx.report(this.meta, first.range, `Invalid instruction order. Dockerfile must begin with FROM, ARG or comment (found ${first.kind})`);
  },
};
