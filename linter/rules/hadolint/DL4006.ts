import type { Rule } from "../../types.js";
import { pipefailFrom, pipelines, shellDialect, shellHasPipefail } from "../../shell/index.js";
import { runs } from "./helpers.js";

/**
 * hadolint DL4006: Set the SHELL option -o pipefail before RUN with a pipe in it.
 * A pipeline's status is its last command's: `curl -fsSL url | tar -xz` succeeds even when the download fails. `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `set -o pipefail` at the start of the RUN) makes any failing command fail the step. Pipes in heredoc scripts count; a non-POSIX SHELL (pwsh, cmd) is not checked.
 */
export const DL4006: Rule = {
  meta: {
    id: "DL4006",
    source: "hadolint",
    severity: "warning",
    summary: "Set the SHELL option -o pipefail before RUN with a pipe in it",
  },
  check(ctx) {
    for (const info of runs(ctx)) {
      if (shellDialect(info.shell) === "other" || shellHasPipefail(info.shell)) continue;
      let reported = false;
      for (const source of info.sources) {
        if (reported) break;
        // `RUN ["bash", "-o", "pipefail", "-c", "a | b"]` brings its own options.
        if (source.origin === "exec" && info.run.command.form === "exec" && shellHasPipefail(info.run.command.args)) continue;
        const from = pipefailFrom(source.script);
        for (const p of pipelines(source.script)) {
          if (from !== null && p.start >= from) continue;
          ctx.report(this.meta, source.range(p), "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in an alpine image or if your shell is symlinked to busybox then consider explicitly setting your SHELL to /bin/ash, or disable this check");
          reported = true;
          break;
        }
      }
    }
  },
};
