import type { Rule } from "../../types.js";

/**
 * hadolint DL3065: Setting `FROM --platform` to predefined `$TARGETPLATFORM` is redundant as this is the default behavior.
 * FROM already pulls the target platform's image.
 */
export const DL3065: Rule = {
  meta: {
    id: "DL3065",
    source: "hadolint",
    severity: "warning",
    summary: "Setting `FROM --platform` to predefined `$TARGETPLATFORM` is redundant as this is the default behavior",
    sameAs: ["RedundantTargetPlatform"],
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const flag = stage.from.flags.find((f) => f.name === "platform");
      if (flag?.value === "$TARGETPLATFORM" || flag?.value === "${TARGETPLATFORM}") {
        ctx.report(this.meta, flag.range, "Setting FROM --platform to predefined $TARGETPLATFORM is redundant as this is the default behavior");
      }
    }
  },
};
