import type { Rule } from "../../types.js";

/**
 * hadolint DL3029: Do not use --platform flag with FROM.
 * A constant `--platform` pins the stage to one platform and breaks multi-platform builds. Values from variables (`$BUILDPLATFORM`, `$TARGETPLATFORM`) are fine.
 */
export const DL3029: Rule = {
  meta: {
    id: "DL3029",
    source: "hadolint",
    severity: "warning",
    summary: "Do not use --platform flag with FROM",
    sameAs: ["FromPlatformFlagConstDisallowed"],
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const flag = stage.from.flags.find((f) => f.name === "platform");
      if (!flag || flag.value === null || flag.value.includes("$")) continue;
      ctx.report(this.meta, flag.range, `Do not use --platform flag with FROM (constant ${JSON.stringify(flag.value)})`);
    }
  },
};
