import type { Rule } from "../../types.js";
import type { RunInstruction } from "../../../parser/index.js";
import type { LintContext } from "../../context.js";
import { runCommands, runInfoOf } from "./helpers.js";

/** A RUN of one plain command (no chain, no heredoc). */
function simple(ctx: LintContext, run: RunInstruction): boolean {
  if (run.heredocs.length > 0) return false;
  const info = runInfoOf(ctx, run);
  if (!info) return false;
  if (info.sources.length !== 1) return false;
  let n = 0;
  for (const c of runCommands(info)) if (!c.command.inSubstitution && ++n > 1) return false;
  return true;
}

function flagsKey(r: RunInstruction): string {
  return r.flags.map((f) => `${f.name}=${f.value ?? ""}`).sort().join("\n");
}

function sameFlags(a: RunInstruction, b: RunInstruction): boolean {
  // Most RUNs have no flags: both keys are "" then.
  if (a.flags.length === 0 && b.flags.length === 0) return true;
  return flagsKey(a) === flagsKey(b);
}

/**
 * hadolint DL3059: Multiple consecutive `RUN` instructions. Consider consolidation.
 * Each RUN makes a layer. Consecutive RUNs of one command each can usually be one RUN. RUNs that already chain several commands, use heredocs, or have different `--mount`/`--network` flags are taken as deliberate and not reported.
 */
export const DL3059: Rule = {
  meta: {
    id: "DL3059",
    source: "hadolint",
    severity: "info",
    summary: "Multiple consecutive `RUN` instructions. Consider consolidation",
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      let previous: RunInstruction | null = null;
      for (const i of stage.instructions) {
        if (i.kind !== "RUN") {
          previous = null;
          continue;
        }
        if (previous !== null && simple(ctx, previous) && simple(ctx, i) && sameFlags(previous, i)) {
          ctx.report(this.meta, i.range, "Multiple consecutive RUN instructions. Consider consolidation");
        }
        previous = i;
      }
    }
  },
};
