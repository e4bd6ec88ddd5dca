import type { Rule } from "../../types.js";
import { ARCHIVE, isUrl } from "./helpers.js";

/**
 * hadolint DL3020: Use COPY instead of ADD for files and folders.
 * ADD also downloads URLs and extracts archives; for plain files COPY says what it does. ADD of URLs, git repositories and archives is fine; sources that depend on unknown values are not reported.
 */
export const DL3020: Rule = {
  meta: {
    id: "DL3020",
    source: "hadolint",
    severity: "error",
    summary: "Use COPY instead of ADD for files and folders",
  },
  check(ctx) {
    for (const i of ctx.ofKind("ADD")) {
      if (i.sources.length === 0) continue;
      let local = true;
      for (const s of i.sources) {
        const v = ctx.resolve(s, i);
        if (v === undefined || isUrl(v) || ARCHIVE.test(v)) {
          local = false;
          break;
        }
      }
      if (i.heredocs.length > 0 && i.sources.every((s) => s.text.startsWith("<<"))) local = true;
      if (local) ctx.report(this.meta, i.range, "Use COPY instead of ADD for files and folders");
    }
  },
};
