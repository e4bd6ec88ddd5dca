import type { Rule } from "../../types.js";
import type { Instruction } from "../../../parser/index.js";
import { runCommands, runInfoOf } from "./helpers.js";

const basename = (p: string) => p.slice(p.lastIndexOf("/") + 1);
const isArchive = (v: string | undefined): v is string => v !== undefined && /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz)$/i.test(v);

/**
 * hadolint DL3010: Use ADD for extracting archives into an image.
 * A local archive that is COPY'd and then extracted with `tar` in a RUN leaves the archive in a layer; `ADD archive.tar.gz /dest/` extracts it in one step.
 */
export const DL3010: Rule = {
  meta: {
    id: "DL3010",
    source: "hadolint",
    severity: "info",
    summary: "Use ADD for extracting archives into an image",
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      // Only an archive COPY'd in this stage can be reported: most stages have none.
      if (!ctx.ofKind("COPY", stage).some((i) => i.from === null && i.sources.some((s) => isArchive(ctx.resolve(s, i))))) continue;
      const copied = new Map<string, Instruction>();
      for (const i of stage.instructions) {
        if (i.kind === "COPY" && i.from === null) {
          for (const s of i.sources) {
            const v = ctx.resolve(s, i);
            if (v !== undefined && isArchive(v)) copied.set(basename(v), i);
          }
          continue;
        }
        if (i.kind !== "RUN" || copied.size === 0) continue;
        const info = runInfoOf(ctx, i);
        if (!info) continue;
        for (const c of runCommands(info)) {
          if (c.name !== "tar" || !c.args.some((w) => /^-?[a-zA-Z]*x/.test(w.value ?? "") || w.value === "--extract")) continue;
          for (const w of c.args) {
            const v = w.value;
            if (v === null) continue;
            const copy = copied.get(basename(v));
            if (copy) {
              ctx.report(this.meta, copy.range, `Use ADD for extracting archives into an image (${basename(v)} is extracted at line ${i.range.start.line})`);
              copied.delete(basename(v));
            }
          }
        }
      }
    }
  },
};
