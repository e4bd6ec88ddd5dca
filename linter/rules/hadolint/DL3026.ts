import type { Rule } from "../../types.js";
import { isStageBase, parseImage } from "./helpers.js";

const normalize = (r: string) => (r === "index.docker.io" || r === "registry-1.docker.io" || r === "hub.docker.com" ? "docker.io" : r);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * hadolint DL3026: Use only an allowed registry in the FROM image.
 * With `trustedRegistries` configured, every base image must come from one of them (`*` matches any part of a name). Images without a registry come from docker.io. Images built from ARGs are resolved first; unknown values are not reported.
 */
export const DL3026: Rule = {
  meta: {
    id: "DL3026",
    source: "hadolint",
    severity: "error",
    summary: "Use only an allowed registry in the FROM image",
  },
  check(ctx) {
    const trusted = ctx.config.trustedRegistries;
    if (trusted.length === 0) return;
    const matches = (registry: string) =>
      trusted.some((t) => {
        const want = normalize(t.toLowerCase());
        if (want.includes("*")) return new RegExp("^" + want.split("*").map(escape).join("[^]*") + "$").test(registry);
        return want === registry;
      });
    for (const stage of ctx.stages) {
      const base = stage.base;
      if (base === undefined || base === "" || base.toLowerCase() === "scratch" || isStageBase(ctx, stage)) continue;
      const registry = normalize((parseImage(base).registry ?? "docker.io").toLowerCase());
      if (!matches(registry)) ctx.report(this.meta, stage.from.image!.range, `Use only an allowed registry in the FROM image (${registry} is not trusted)`);
    }
  },
};
