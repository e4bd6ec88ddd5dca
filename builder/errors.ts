/**
 * Errors the builder throws on purpose. A BuildError points at the instruction that caused it
 * (its SourceRange); for an ONBUILD trigger the range is the FROM line that ran the trigger and
 * `trigger` holds the trigger's text, so a message can say which trigger failed.
 */
import type { Diagnostic } from "../parser/diagnostics.js";
import type { SourceRange } from "../parser/range.js";
import { KilnError } from "../util/errors.js";

export class BuildError extends KilnError {
  /** Where in the Dockerfile; absent for errors about options (e.g. an unknown --target). */
  readonly range: SourceRange | undefined;
  /** The ONBUILD trigger text, when the failing instruction came from a trigger. */
  readonly trigger: string | undefined;
  /** Every error of a Dockerfile that does not parse (the first is also `code`/`range`), with hints. */
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: string, message: string, options: { range?: SourceRange; trigger?: string; diagnostics?: readonly Diagnostic[]; cause?: unknown; exitCode?: number } = {}) {
    super(code, message, { exitCode: options.exitCode ?? 1, cause: options.cause });
    this.range = options.range;
    this.trigger = options.trigger;
    this.diagnostics = options.diagnostics ?? [];
  }
}

/** Stable codes of BuildError, documented in docs/builder.md. */
export const BuildCodes = {
  /** A word or flag could not be expanded (`${X:?msg}`, bad substitution...). */
  expansion: "build-expansion",
  /** FROM's image or platform expanded to something unusable. */
  invalidBase: "build-invalid-base",
  /** `--target` names no stage. */
  unknownTarget: "build-unknown-target",
  /** COPY --from / RUN --mount from= refers to a stage defined later, or a bad index. */
  stageOrder: "build-stage-order",
  /** Stages depend on each other in a cycle. */
  cycle: "build-cycle",
  /** A value an instruction needs is invalid (port, chmod, signal, mount...). */
  invalidInstruction: "build-invalid-instruction",
  /** The Dockerfile has no FROM. */
  noStages: "build-no-stages",
  /** An ONBUILD trigger could not be parsed or is not allowed. */
  invalidTrigger: "build-invalid-trigger",
  /** A COPY/ADD source is missing or escapes the context. */
  source: "build-source",
} as const;
