import type { Rule } from "../../types.js";

/** BuildKit RedundantTargetPlatform: `FROM --platform=$TARGETPLATFORM` is what FROM does anyway. */
export const RedundantTargetPlatform: Rule = {
  meta: {
    id: "RedundantTargetPlatform",
    source: "buildkit",
    severity: "warning",
    summary: "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior",
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const flag = stage.from.flags.find((f) => f.name === "platform");
      if (!flag?.value || !flag.value.includes("$")) continue;
      const e = ctx.expand(flag.value, stage.from);
      // Only when TARGETPLATFORM is the one name used and the result is exactly its value.
      if (!e || e.matched.size !== 1 || e.unmatched.size !== 0 || !e.matched.has("TARGETPLATFORM")) continue;
      if (e.value !== e.scope.get("TARGETPLATFORM")?.value) continue;
      ctx.report(this.meta, flag.range, `Setting platform to predefined ${flag.value} in FROM is redundant as this is the default behavior`);
    }
  },
};
