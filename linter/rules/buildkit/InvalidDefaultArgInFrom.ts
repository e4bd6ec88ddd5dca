import { processWord } from "../../../parser/shell/index.js";
import { isValidReference } from "../../reference.js";
import type { Rule } from "../../types.js";

/**
 * BuildKit InvalidDefaultArgInFrom: with only the global ARG defaults (no `--build-arg`), a FROM
 * that uses variables names no valid image (`ARG TAG` then `FROM alpine:${TAG}` gives `alpine:`).
 */
export const InvalidDefaultArgInFrom: Rule = {
  meta: {
    id: "InvalidDefaultArgInFrom",
    source: "buildkit",
    severity: "warning",
    summary: "Default value for global ARG results in an empty or invalid base image name",
  },
  check(ctx) {
    const froms = ctx.stages.filter((s) => s.from.image?.text.includes("$"));
    if (froms.length === 0) return;
    const escapeChar = ctx.dockerfile.escapeChar;
    const env = new Map(ctx.predefined);
    for (const i of ctx.globalArgs) {
      if (i.kind !== "ARG") continue;
      for (const a of i.args) {
        if (a.defaultValue === null) {
          env.delete(a.name);
          continue;
        }
        try {
          env.set(a.name, processWord(a.defaultValue, env, { escapeChar }));
        } catch {
          return; // BuildKit gives up on the check when the defaults do not expand
        }
      }
    }
    for (const stage of froms) {
      const image = stage.from.image!;
      let value: string;
      try {
        value = processWord(image.text, env, { escapeChar });
      } catch {
        continue;
      }
      if (!isValidReference(value)) {
        ctx.report(this.meta, image.range, `Default value for ARG ${image.text} results in empty or invalid base image name`);
      }
    }
  },
};
