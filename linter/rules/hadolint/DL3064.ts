import type { Rule } from "../../types.js";
import type { Instruction } from "../../../parser/index.js";
import { isSecretName } from "../buildkit/SecretsUsedInArgOrEnv.js";

/**
 * hadolint DL3064: Potentially sensitive data should not be used in the ARG or ENV commands.
 * ARG and ENV values are stored in the image history. Names such as `DB_PASSWORD` or `API_TOKEN` suggest a secret; use `RUN --mount=type=secret` instead. Names are matched like BuildKit's check, so both merge.
 */
export const DL3064: Rule = {
  meta: {
    id: "DL3064",
    source: "hadolint",
    severity: "warning",
    summary: "Potentially sensitive data should not be used in the ARG or ENV commands",
    sameAs: ["SecretsUsedInArgOrEnv"],
  },
  check(ctx) {
    const visit = (i: Instruction) => {
      if (i.kind === "ARG") for (const a of i.args) if (isSecretName(a.name)) ctx.report(this.meta, a.range, `Potentially sensitive data should not be used in the ARG or ENV commands (${a.name})`);
      if (i.kind === "ENV") for (const p of i.pairs) if (isSecretName(p.key)) ctx.report(this.meta, p.range, `Potentially sensitive data should not be used in the ARG or ENV commands (${p.key})`);
      if (i.kind === "ONBUILD" && i.trigger) visit(i.trigger);
    };
    for (const kind of ["ARG", "ENV", "ONBUILD"] as const) for (const i of ctx.ofKind(kind)) visit(i);
  },
};
