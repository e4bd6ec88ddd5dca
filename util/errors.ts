/**
 * The one base class for errors kiln throws on purpose. Each carries a stable `code` that the
 * CLI's error boundary maps to a message and an exit status; anything else is a bug.
 */
export class KilnError extends Error {
  readonly code: string;
  /** Process exit status the CLI uses for this error. */
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Ends every exhaustive switch: adding a union member breaks the build here. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
