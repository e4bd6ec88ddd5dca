import type { Rule } from "../../types.js";
import { suggest } from "../../../parser/suggest.js";
import { earlierStageNames } from "./helpers.js";

/**
 * hadolint DL3022: COPY --from should reference a previously defined FROM alias.
 * `--from` names an earlier stage (by alias or index) or an image. A stage defined later, an index out of range, and a name one typo away from an earlier stage are reported; any other name is an image (`--from=hello-world`) and is fine.
 */
export const DL3022: Rule = {
  meta: {
    id: "DL3022",
    source: "hadolint",
    severity: "warning",
    summary: "COPY --from should reference a previously defined FROM alias",
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      // The stage-name sets only for a stage with a COPY --from (most have none).
      let earlier: Set<string> | undefined;
      let all: Set<string> | undefined;
      for (const i of ctx.ofKind("COPY", stage)) {
        if (i.from === null) continue;
        earlier ??= earlierStageNames(ctx, stage);
        all ??= new Set(ctx.stages.map((s) => s.name).filter((n): n is string => n !== null));
        const from = ctx.resolve(i.from, i);
        if (from === undefined || from === "") continue;
        const flag = i.flags.find((f) => f.name === "from")!;
        if (/^\d+$/.test(from)) {
          if (Number(from) > stage.index) ctx.report(this.meta, flag.range, `COPY --from=${from} should reference a previously defined stage`);
          continue;
        }
        const name = from.toLowerCase();
        if (earlier.has(name) || name === stage.name) continue; // own alias: DL3023
        if (all.has(name)) {
          ctx.report(this.meta, flag.range, `COPY --from should reference a previously defined FROM alias (${from} is defined later)`);
          continue;
        }
        // Not a stage: an image (`--from=hello-world` copies from that image), unless it is
        // obviously a misspelt stage name.
        const near = /[:/@]/.test(from) ? undefined : suggest(name, [...earlier]);
        if (near !== undefined) ctx.report(this.meta, flag.range, `COPY --from should reference a previously defined FROM alias (${from}: did you mean ${near}?)`);
      }
    }
  },
};
