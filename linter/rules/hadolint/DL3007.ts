import type { Rule } from "../../types.js";
import { isStageBase, parseImage } from "./helpers.js";

/**
 * hadolint DL3007: Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag.
 * `:latest` changes whenever the image is updated, so builds are not reproducible. An image pinned by digest (`:latest@sha256:...`) is fine.
 */
export const DL3007: Rule = {
  meta: {
    id: "DL3007",
    source: "hadolint",
    severity: "warning",
    summary: "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const base = stage.base;
      if (base === undefined || isStageBase(ctx, stage)) continue;
      const ref = parseImage(base);
      if (ref.tag !== "latest" || ref.digest !== null) continue;
      ctx.report(this.meta, stage.from.image!.range, "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag");
    }
  },
};
