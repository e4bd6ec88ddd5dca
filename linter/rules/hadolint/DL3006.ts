import type { Rule } from "../../types.js";
import { isStageBase, parseImage } from "./helpers.js";

/**
 * hadolint DL3006: Always tag the version of an image explicitly.
 * An untagged image means `latest`, which moves. The image is resolved with the global ARGs (and `--build-arg`); references to earlier stages and `scratch` are fine, and images that depend on unknown values are not reported.
 */
export const DL3006: Rule = {
  meta: {
    id: "DL3006",
    source: "hadolint",
    severity: "warning",
    summary: "Always tag the version of an image explicitly",
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const base = stage.base;
      if (base === undefined || base === "" || base.toLowerCase() === "scratch" || isStageBase(ctx, stage)) continue;
      const ref = parseImage(base);
      if (ref.tag !== null || ref.digest !== null) continue;
      ctx.report(this.meta, stage.from.image!.range, `Always tag the version of an image explicitly (${base})`);
    }
  },
};
