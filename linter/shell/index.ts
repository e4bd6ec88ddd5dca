/**
 * `linter/shell`: a tolerant shell-syntax parser for RUN bodies and the helpers lint rules use.
 * See linter/shell/README.md.
 */
export type * from "./ast.js";
export { parseScript, staticValue, type ParseScriptOptions } from "./parser.js";
export { commands, findCommands, directoryChanges, visit, children, pipelines, words, type CommandInfo, type Operator, type Enclosing } from "./walk.js";
export {
  parseArgs, hasFlag, findFlag, flagValues, args, argValues, subcommand, unwrap, isWrapper, WRAPPERS,
  type OptionSpec, type ParsedOption, type ParsedArgs, type Unwrapped,
} from "./args.js";
export {
  shellSources, runScripts, allCommands, shellDialect, shellHasPipefail,
  setsPipefail, pipefailFrom, isPosixShell, basename,
  type ShellSource, type RunHeredoc, type RunShell, type ShellOptions, type ShellDialect,
} from "./dockerfile.js";
export { logicalOffsets, heredocOffsets, Segments } from "./offsets.js";
