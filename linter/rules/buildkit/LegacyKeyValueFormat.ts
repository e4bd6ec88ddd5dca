import { keyValueValue } from "../../fixes.js";
import type { Rule } from "../../types.js";

/** BuildKit LegacyKeyValueFormat: `ENV key value` / `LABEL key value` instead of `key=value`. */
export const LegacyKeyValueFormat: Rule = {
  meta: {
    id: "LegacyKeyValueFormat",
    source: "buildkit",
    severity: "warning",
    summary: "Legacy key/value format with whitespace separator should not be used",
    fixable: true,
  },
  check(ctx) {
    const visit = (i: (typeof ctx.instructions)[number]) => {
      if (i.kind !== "ENV" && i.kind !== "LABEL") return;
      for (const pair of i.pairs) {
        if (pair.separator !== " ") continue;
        const src = ctx.text.slice(pair.range.start.offset, pair.range.end.offset);
        const value = keyValueValue(pair.value, ctx.dockerfile.escapeChar);
        const fixable = value !== null && !/[\r\n]/.test(src) && src.startsWith(pair.key);
        ctx.report(
          this.meta,
          i.range,
          `"${i.kind} key=value" should be used instead of legacy "${i.kind} key value" format`,
          fixable
            ? { description: "use key=value", edits: [{ start: pair.range.start.offset, end: pair.range.end.offset, newText: `${pair.key}=${value}` }] }
            : undefined,
        );
      }
    };
    for (const kind of ["ENV", "LABEL"] as const) for (const i of ctx.ofKind(kind)) visit(i);
    for (const i of ctx.ofKind("ONBUILD")) if (i.trigger) visit(i.trigger);
  },
};
