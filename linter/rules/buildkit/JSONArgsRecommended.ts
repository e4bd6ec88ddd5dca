import type { Instruction } from "../../../parser/index.js";
import type { Stage } from "../../context.js";
import { jsonArray, plainCommandWords } from "../../fixes.js";
import type { Rule } from "../../types.js";

function setsShell(stage: Stage | undefined, before: Instruction): boolean {
  const seen = new Set<Stage>();
  for (let s = stage; s && !seen.has(s); s = s.parent) {
    seen.add(s);
    for (const i of s.instructions) {
      if (s === stage && i === before) break;
      if (i.kind === "SHELL") return true;
    }
  }
  return false;
}

/**
 * BuildKit JSONArgsRecommended: shell-form CMD/ENTRYPOINT run under `/bin/sh -c`, which does not
 * forward signals. Silent when the stage chose its shell explicitly with SHELL.
 */
export const JSONArgsRecommended: Rule = {
  meta: {
    id: "JSONArgsRecommended",
    source: "buildkit",
    severity: "warning",
    summary: "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals",
    sameAs: ["DL3025"],
    fixable: true,
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      for (const i of [...ctx.ofKind("CMD", stage), ...ctx.ofKind("ENTRYPOINT", stage)]) {
        if (i.command.form !== "shell") continue;
        if (setsShell(stage, i)) continue;
        const message = `JSON arguments recommended for ${i.kind} to prevent unintended behavior related to OS signals`;
        const { start, end } = i.arguments.range;
        const words = i.heredocs.length === 0 ? plainCommandWords(ctx.text.slice(start.offset, end.offset)) : null;
        ctx.report(
          this.meta,
          i.range,
          message,
          words ? { description: "use the exec form", edits: [{ start: start.offset, end: end.offset, newText: jsonArray(words) }] } : undefined,
        );
      }
    }
  },
};
