import type { Instruction, SourceRange } from "../../../parser/index.js";
import type { Rule } from "../../types.js";

const DENY = /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/i;
const ALLOW = /(?:_|^)(?:public|file|version)(?:_|$)/i;

/** BuildKit's test: a secret-looking word at the start, the end, or between underscores. */
export function isSecretName(name: string): boolean {
  return DENY.test(name) && !ALLOW.test(name);
}

/**
 * BuildKit SecretsUsedInArgOrEnv: ARG and ENV values end up in the image history; names such as
 * `GITHUB_TOKEN` or `DB_PASSWORD` suggest a secret. Use `RUN --mount=type=secret` instead.
 */
export const SecretsUsedInArgOrEnv: Rule = {
  meta: {
    id: "SecretsUsedInArgOrEnv",
    source: "buildkit",
    severity: "warning",
    summary: "Sensitive data should not be used in the ARG or ENV commands",
  },
  check(ctx) {
    const report = (kind: string, name: string, range: SourceRange) =>
      ctx.report(this.meta, range, `Do not use ARG or ENV instructions for sensitive data (${kind} ${JSON.stringify(name)})`);
    const visit = (i: Instruction) => {
      if (i.kind === "ARG") for (const a of i.args) if (isSecretName(a.name)) report("ARG", a.name, a.range);
      if (i.kind === "ENV") for (const p of i.pairs) if (isSecretName(p.key)) report("ENV", p.key, p.range);
      if (i.kind === "ONBUILD" && i.trigger) visit(i.trigger);
    };
    for (const kind of ["ARG", "ENV", "ONBUILD"] as const) for (const i of ctx.ofKind(kind)) visit(i);
  },
};
