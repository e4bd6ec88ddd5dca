import type { Rule } from "../../types.js";
import { earlierStageNames } from "./helpers.js";

/**
 * hadolint DL3022: COPY --from should reference a previously defined FROM alias.
 * `--from` names an earlier stage (by alias or index) or an image. A stage defined later, an index out of range, or a bare name that matches no stage is reported; image references with a tag, digest or registry are fine.
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
      const earlier = earlierStageNames(ctx, stage);
      const all = new Set(ctx.stages.map((s) => s.name).filter((n): n is string => n !== null));
      for (const i of stage.instructions) {
        if (i.kind !== "COPY" || i.from === null) continue;
        const from = ctx.resolve(i.from, i);
        if (from === undefined || from === "") continue;
        const flag = i.flags.find((f) => f.name === "from")!;
        if (/^\d+$/.test(from)) {
          if (Number(from) >= stage.index) ctx.report(this.meta, flag.range, `COPY --from=${from} should reference a previously defined stage`);
          continue;
        }
        const name = from.toLowerCase();
        if (earlier.has(name)) continue;
        // A stage defined later, or a bare name that is no stage at all (an image needs a tag or registry to be clear).
        if (all.has(name) || !/[:/@.]/.test(from)) {
          if (name === stage.name) continue; // DL3023
          ctx.report(this.meta, flag.range, `COPY --from should reference a previously defined FROM alias (${from})`);
        }
      }
    }
  },
};
