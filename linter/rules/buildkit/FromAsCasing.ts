import type { Rule } from "../../types.js";

/** BuildKit FromAsCasing: the `AS` keyword is cased like the `FROM` keyword. */
export const FromAsCasing: Rule = {
  meta: {
    id: "FromAsCasing",
    source: "buildkit",
    severity: "warning",
    summary: "The 'as' keyword should match the case of the 'from' keyword",
    fixable: true,
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const as = stage.from.asKeyword;
      if (!as) continue;
      const from = stage.from.keyword;
      const expected = from === from.toLowerCase() ? as.text.toLowerCase() : as.text.toUpperCase();
      if (as.text === expected) continue;
      ctx.report(this.meta, as.range, `'${as.text}' and '${from}' keywords' casing do not match`, {
        description: `write '${expected}'`,
        edits: [{ start: as.range.start.offset, end: as.range.end.offset, newText: expected }],
      });
    }
  },
};
