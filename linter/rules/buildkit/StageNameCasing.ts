import type { Rule } from "../../types.js";

/** BuildKit StageNameCasing: `FROM x AS Builder` should be `AS builder`. */
export const StageNameCasing: Rule = {
  meta: {
    id: "StageNameCasing",
    source: "buildkit",
    severity: "warning",
    summary: "Stage names should be lowercase",
    fixable: true,
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const word = stage.from.stageName;
      if (!word || word.text === word.text.toLowerCase()) continue;
      ctx.report(this.meta, word.range, `Stage name '${word.text}' should be lowercase`, {
        // Stage references match case-insensitively, so renaming the definition is enough.
        description: `rename the stage to '${word.text.toLowerCase()}'`,
        edits: [{ start: word.range.start.offset, end: word.range.end.offset, newText: word.text.toLowerCase() }],
      });
    }
  },
};
