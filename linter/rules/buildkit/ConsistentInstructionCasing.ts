import type { Instruction } from "../../../parser/index.js";
import type { Rule } from "../../types.js";

/**
 * BuildKit ConsistentInstructionCasing: every keyword in the file uses the casing of the majority
 * (lower or upper; ties go to upper case). Mixed-case keywords (`Run`) count for neither side and
 * are always reported.
 */
export const ConsistentInstructionCasing: Rule = {
  meta: {
    id: "ConsistentInstructionCasing",
    source: "buildkit",
    severity: "warning",
    summary: "All commands within the Dockerfile should use the same casing (either upper or lower)",
    fixable: true,
  },
  check(ctx) {
    // `kind` is the keyword in upper case: comparing with it needs no case conversion.
    let lower = 0;
    let upper = 0;
    for (const i of ctx.instructions) {
      const k = i.keyword;
      if (k === i.kind) upper++;
      else if (k === k.toLowerCase()) lower++;
    }
    const majorityLower = lower > upper;
    const visit = (i: Instruction) => {
      const want = majorityLower ? i.keyword.toLowerCase() : i.kind;
      if (i.keyword !== want) {
        ctx.report(this.meta, i.keywordRange, `Command '${i.keyword}' should match the case of the command majority (${majorityLower ? "lowercase" : "uppercase"})`, {
          description: `write '${want}'`,
          edits: [{ start: i.keywordRange.start.offset, end: i.keywordRange.end.offset, newText: want }],
        });
      }
    };
    for (const i of ctx.instructions) {
      visit(i);
      if (i.kind === "ONBUILD" && i.trigger) visit(i.trigger);
    }
  },
};
