/** A failed build step: where it is in the Dockerfile, the process's exit code and the end of its log. */
import type { SourceRange } from "../../parser/range.js";
import { KilnError } from "../../util/errors.js";

export class StepError extends KilnError {
  readonly range: SourceRange | undefined;
  readonly trigger: string | undefined;
  /** The exit code of a RUN's process. */
  readonly processExitCode: number | undefined;
  readonly logTail: readonly string[];
  readonly logFile: string | undefined;
  /** `[stage 2/5] RUN make`, for messages. */
  readonly step: string | undefined;

  constructor(
    code: string,
    message: string,
    options: { range?: SourceRange; trigger?: string; processExitCode?: number; logTail?: readonly string[]; logFile?: string; step?: string; cause?: unknown; exitCode?: number } = {},
  ) {
    super(code, message, { exitCode: options.exitCode ?? 1, cause: options.cause });
    this.range = options.range;
    this.trigger = options.trigger;
    this.processExitCode = options.processExitCode;
    this.logTail = options.logTail ?? [];
    this.logFile = options.logFile;
    this.step = options.step;
  }
}
