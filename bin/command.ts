/**
 * The shape of one CLI command. A command module is loaded eagerly (so `kiln --help` can list
 * it) and must stay tiny: it declares its options and imports the library it drives lazily,
 * inside `run`, with `await import(...)`, so `kiln --version` never loads the parser.
 */
import type { Argv } from "yargs";
import type { Io } from "./io.js";

export interface KilnCommand<A = object> {
  /** yargs command string, e.g. "parse" or "build [context]". */
  readonly command: string;
  readonly describe: string;
  readonly aliases?: readonly string[];
  readonly builder: (yargs: Argv) => Argv<A>;
  /** Does the work and returns the exit status. Errors are thrown (see bin/errors.ts). */
  readonly run: (args: A, io: Io) => Promise<number>;
}

/** Keeps the argument type of each command while collecting them in one list. */
export function defineCommand<A>(command: KilnCommand<A>): KilnCommand<A> {
  return command;
}

/** A command of any argument type, for the list in bin/commands/index.ts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = KilnCommand<any>;
