import type { InstructionKind } from "../ast.js";

/**
 * How the builder expands an instruction's arguments (Docker's reference, "Environment
 * replacement", checked against BuildKit's dockerfile2llb):
 *
 * - `"word"`: every argument word is expanded on its own with `processWord`: quotes and
 *   escapes removed, `$` references replaced, no field splitting. A word whose value
 *   contains spaces stays one word.
 * - `"words"`: every argument word goes through `processWords` and may become several
 *   (only EXPOSE: `EXPOSE $PORTS` with `PORTS="80 443"` exposes two ports).
 * - `"none"`: the builder does not expand; any `$` is left to the command's shell at run
 *   time (RUN, CMD, ENTRYPOINT, HEALTHCHECK) or is not a variable at all (SHELL, MAINTAINER).
 *
 * Per instruction, what "every argument word" covers:
 * - FROM: the image reference, with only the global ARGs (those before the first FROM);
 *   the stage name is never expanded. `--platform` is expanded too (FLAG_EXPANSION_RULES).
 * - ENV, LABEL: each key and each value, separately.
 * - ARG: each name and each default value.
 * - ADD, COPY: each source and the destination (plus the flags below). The body of a
 *   heredoc source whose delimiter is unquoted is expanded with quotes left alone
 *   (`skipProcessQuotes: true`) and the backslash as escape character.
 * - VOLUME: each path (shell form and JSON form alike). USER, WORKDIR, STOPSIGNAL: the one
 *   argument.
 * - ONBUILD: nothing when it is written; its trigger is expanded when it runs in a child
 *   build, by the trigger's own rule.
 */
export type ExpansionRule = "word" | "words" | "none";

export const EXPANSION_RULES: Readonly<Record<InstructionKind, ExpansionRule>> = Object.freeze({
  FROM: "word",
  RUN: "none",
  CMD: "none",
  LABEL: "word",
  MAINTAINER: "none",
  EXPOSE: "words",
  ENV: "word",
  ADD: "word",
  COPY: "word",
  ENTRYPOINT: "none",
  VOLUME: "word",
  USER: "word",
  WORKDIR: "word",
  ARG: "word",
  ONBUILD: "none",
  STOPSIGNAL: "word",
  HEALTHCHECK: "none",
  SHELL: "none",
});

/**
 * Flags whose values are expanded with `processWord`, by instruction (flag names without
 * `--`). RUN `--mount`: each `key=value` field's value is expanded separately. Flags not
 * listed (RUN `--network`/`--security`, COPY/ADD `--link`, HEALTHCHECK's durations, ...) are
 * taken literally.
 */
export const FLAG_EXPANSION_RULES: Readonly<Partial<Record<InstructionKind, readonly string[]>>> = Object.freeze({
  FROM: Object.freeze(["platform"]),
  RUN: Object.freeze(["mount"]),
  ADD: Object.freeze(["chown", "chmod", "checksum"]),
  COPY: Object.freeze(["from", "chown", "chmod"]),
});
