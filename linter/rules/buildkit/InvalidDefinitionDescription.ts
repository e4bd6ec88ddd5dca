import type { Comment } from "../../../parser/index.js";
import type { Rule } from "../../types.js";

/**
 * BuildKit InvalidDefinitionDescription (experimental): a comment on the line right above a named
 * `FROM … AS name` or an `ARG` is taken as its description (`docker build --call=outline`) and
 * must start with the stage or argument name. A blank line in between says "not a description".
 */
export const InvalidDefinitionDescription: Rule = {
  meta: {
    id: "InvalidDefinitionDescription",
    source: "buildkit",
    severity: "warning",
    summary:
      "Comment for build stage or argument should follow the format: `# <arg/stage name> <description>`. If this is not intended to be a description comment, add an empty line or comment between the instruction and the comment.",
    experimental: true,
  },
  check(ctx) {
    const byLine = new Map<number, Comment>();
    for (const c of ctx.dockerfile.comments) byLine.set(c.range.start.line, c);
    for (const i of [...ctx.ofKind("FROM"), ...ctx.ofKind("ARG")]) {
      const names = i.kind === "FROM" ? (i.stageName ? [i.stageName.text] : []) : i.args.map((a) => a.name);
      if (names.length === 0) continue;
      const above = byLine.get(i.range.start.line - 1);
      if (!above || /^(hadolint|kiln)\s/i.test(above.text)) continue;
      const first = above.text.split(" ")[0];
      if (names.includes(first ?? "")) continue;
      const example = names.length > 1 ? "<arg_key>" : names[0]!;
      ctx.report(this.meta, i.range, `Comment for ${i.kind === "FROM" ? "build stage" : "build argument"} should follow the format: \`# ${example} <description>\``);
    }
  },
};
