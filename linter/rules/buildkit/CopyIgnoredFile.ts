import { IgnoreMatcher, type AddInstruction, type CopyInstruction } from "../../../parser/index.js";
import type { LintContext } from "../../context.js";
import type { Rule, RuleMeta } from "../../types.js";

/**
 * BuildKit CopyIgnoredFile (experimental): a COPY/ADD source from the build context that
 * `.dockerignore` excludes. Like BuildKit, silent when the ignore file has `!` exceptions (a file
 * inside an excluded directory may be re-included), for `--from` copies, URLs, git sources and
 * heredocs, and for sources whose value is not known.
 */
export const CopyIgnoredFile: Rule = {
  meta: {
    id: "CopyIgnoredFile",
    source: "buildkit",
    severity: "warning",
    summary: "Attempting to Copy file that is excluded by .dockerignore",
    experimental: true,
  },
  check(ctx) {
    if (ctx.dockerignore === null) return;
    const ignore = parsed(ctx.dockerignore);
    if (ignore.empty || ignore.hasExclusions) return;
    for (const stage of ctx.stages) {
      for (const i of ctx.ofKind("COPY", stage)) checkSources(ctx, this.meta, ignore, i, "Copy");
      for (const i of ctx.ofKind("ADD", stage)) checkSources(ctx, this.meta, ignore, i, "Add");
    }
  },
};

function checkSources(ctx: LintContext, meta: RuleMeta, ignore: IgnoreMatcher, i: CopyInstruction | AddInstruction, cmd: string): void {
  if (i.from !== null) return;
  for (const source of i.sources) {
    const text = source.text;
    // The URL regex only for what can be a URL.
    if (text.startsWith("<<") || (text.includes("://") && URL_SCHEME.test(text)) || text.startsWith("git@")) continue;
    const path = ctx.resolve(source, i);
    if (path === undefined || path === "") continue;
    if (!ignore.ignores(path.charCodeAt(0) === 47 /* / */ ? path.replace(/^\/+/, "") : path)) continue;
    ctx.report(meta, source.range, `Attempting to ${cmd} file ${JSON.stringify(cleanForMessage(path))} that is excluded by .dockerignore`);
  }
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The same ignore file is typically shared by many Dockerfiles of one run: parse it once. */
let last: { text: string; ignore: IgnoreMatcher } | undefined;
function parsed(text: string): IgnoreMatcher {
  if (last?.text !== text) last = { text, ignore: IgnoreMatcher.fromFile(text) };
  return last.ignore;
}

function cleanForMessage(path: string): string {
  return path.replace(/^(\.\/)+/, "").replace(/\/+$/, "") || ".";
}
