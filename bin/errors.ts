/**
 * The CLI's one error boundary. Everything a command throws ends here and becomes a message on
 * stderr plus an exit status:
 *
 * | thrown                              | stderr                                   | exit |
 * |-------------------------------------|------------------------------------------|------|
 * | `KilnError` (util/errors)           | `kiln: <message>` (+ `hint: …`)          | its `exitCode` |
 * | `UsageError` (bad command line)     | `kiln: <message>` + where to find usage  | 2    |
 * | anything else (a bug)               | `kiln: internal error: <message>`        | 70   |
 *
 * `KILN_DEBUG=1` adds the stack trace (and the cause chain) to every case.
 */
import { KilnError } from "../util/errors.js";

/** Exit statuses of the CLI (sysexits-style where one exists). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** EX_SOFTWARE: an internal error, i.e. a bug in kiln. */
  internal: 70,
} as const;

/** A command line yargs (or a handler) rejected: unknown command or option, bad value. */
export class UsageError extends Error {
  /** The command whose `--help` to point at, or null for `kiln --help`. */
  readonly command: string | null;
  constructor(message: string, command: string | null = null) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

/**
 * A `KilnError` with a second line of advice, printed as `hint: …`. (KilnError itself has no
 * hint field yet; the boundary prints `hint` from any KilnError that carries one.)
 */
export class HintedError extends KilnError {
  readonly hint: string;
  constructor(code: string, message: string, hint: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(code, message, options);
    this.hint = hint;
  }
}

export interface ErrorSink {
  write(text: string): unknown;
}

function isDebug(env: NodeJS.ProcessEnv): boolean {
  const v = env["KILN_DEBUG"];
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/** KilnError, also when a second copy of the class was bundled (duck-typed on its fields). */
function asKilnError(err: unknown): (Error & { code: string; exitCode: number; hint?: unknown }) | null {
  if (err instanceof KilnError) return err;
  if (
    err instanceof Error &&
    err.name === "KilnError" &&
    typeof (err as { code?: unknown }).code === "string" &&
    typeof (err as { exitCode?: unknown }).exitCode === "number"
  ) {
    return err as Error & { code: string; exitCode: number };
  }
  return null;
}

function stackOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let out = err.stack ?? `${err.name}: ${err.message}`;
  let cause: unknown = err.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    out += `\nCaused by: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return out;
}

/**
 * Prints `err` the way the CLI reports it and returns the exit status to use.
 * Never throws.
 */
export function reportError(
  err: unknown,
  stderr: ErrorSink = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const debug = isDebug(env);
  const kiln = asKilnError(err);
  if (kiln) {
    let text = `kiln: ${kiln.message}\n`;
    // KilnError has no `hint` field yet; accept one when a subclass adds it.
    if (typeof kiln.hint === "string" && kiln.hint !== "") text += `hint: ${kiln.hint}\n`;
    if (debug) text += `${stackOf(kiln)}\n`;
    stderr.write(text);
    return Number.isInteger(kiln.exitCode) && kiln.exitCode > 0 && kiln.exitCode < 256 ? kiln.exitCode : ExitCode.failure;
  }
  if (err instanceof UsageError) {
    stderr.write(`kiln: ${err.message}\nRun 'kiln ${err.command ? `${err.command} ` : ""}--help' for usage.\n`);
    return ExitCode.usage;
  }
  const message = err instanceof Error ? err.message : String(err);
  let text = `kiln: internal error: ${message}\n`;
  text += debug ? `${stackOf(err)}\n` : "(this is a bug in kiln; run with KILN_DEBUG=1 to see the stack trace)\n";
  stderr.write(text);
  return ExitCode.internal;
}
