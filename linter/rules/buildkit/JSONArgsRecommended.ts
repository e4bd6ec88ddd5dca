import type { CmdInstruction, EntrypointInstruction, Instruction } from "../../../parser/index.js";
import type { LintContext, Stage } from "../../context.js";
import { jsonArray, plainCommandWords } from "../../fixes.js";
import type { Rule, RuleMeta } from "../../types.js";

/**
 * A SHELL before `before` in its stage, or anywhere in a stage it builds on. From the SHELL index
 * (file order is offset order), not a scan of the instructions with a Set per instruction.
 */
function setsShell(ctx: LintContext, stage: Stage, before: Instruction): boolean {
  for (const shell of ctx.ofKind("SHELL", stage)) if (shell.range.start.offset < before.range.start.offset) return true;
  let seen: Set<Stage> | undefined;
  for (let s = stage.parent; s && s !== stage && !seen?.has(s); s = s.parent) {
    (seen ??= new Set()).add(s);
    if (ctx.ofKind("SHELL", s).length > 0) return true;
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
      for (const i of ctx.ofKind("CMD", stage)) checkCommand(ctx, this.meta, stage, i);
      for (const i of ctx.ofKind("ENTRYPOINT", stage)) checkCommand(ctx, this.meta, stage, i);
    }
  },
};

function checkCommand(ctx: LintContext, meta: RuleMeta, stage: Stage, i: CmdInstruction | EntrypointInstruction): void {
  if (i.command.form !== "shell") return;
  if (setsShell(ctx, stage, i)) return;
  const message = `JSON arguments recommended for ${i.kind} to prevent unintended behavior related to OS signals`;
  const { start, end } = i.arguments.range;
  const words = i.heredocs.length === 0 ? plainCommandWords(ctx.text.slice(start.offset, end.offset)) : null;
  ctx.report(
    meta,
    i.range,
    message,
    words ? { description: "use the exec form", edits: [{ start: start.offset, end: end.offset, newText: jsonArray(words) }] } : undefined,
  );
}
