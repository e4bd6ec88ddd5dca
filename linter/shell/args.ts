/**
 * Reading a command's options the way getopt-style tools do: `-qy` is `-q -y`, `--name=value`
 * and `--name value`, `--` ends the options. Which options take a value is tool-specific, so
 * callers that care pass an `OptionSpec`; without one every option is a bare switch.
 */
import type { SimpleCommand, Word } from "./ast.js";
import type { CommandInfo } from "./walk.js";

export interface OptionSpec {
  /** Short options that take a value (`"otc"` for apt-get's `-o`, `-t`, `-c`). */
  readonly shortWithValue?: string;
  /** Long options that take a value when written without `=` (`["target-release"]`). */
  readonly longWithValue?: readonly string[];
  /** Options end at the first positional argument (`sudo -u x cmd -y`: `-y` is cmd's). */
  readonly stopAtPositional?: boolean;
  /** A lone `-` followed by letters is a long option (`find -name`, `java -jar`). */
  readonly singleDashLong?: boolean;
}

export interface ParsedOption {
  /** Without dashes: `y`, `no-install-recommends`. */
  readonly name: string;
  readonly long: boolean;
  /** The value (`--a=b`, `-ob`, `-o b`), or null for a switch. */
  readonly value: string | null;
  /** The word the option was written in. */
  readonly word: Word;
}

export interface ParsedArgs {
  readonly options: readonly ParsedOption[];
  /** Arguments that are not options, in order (dynamic words are always positional). */
  readonly positional: readonly Word[];
}

type HasWords = CommandInfo | SimpleCommand | readonly Word[];

/** The arguments after the command name. */
function argWords(cmd: HasWords): readonly Word[] {
  if (Array.isArray(cmd)) return cmd as readonly Word[];
  if ("args" in cmd) return (cmd as CommandInfo).args;
  return (cmd as SimpleCommand).words.slice(1);
}

/**
 * Per word list: the specs it was parsed with and the results (a word list meets one to three
 * specs), kept on the array itself (see `commands` in walk.ts: no module-level WeakMap).
 */
const PARSED: unique symbol = Symbol("kiln.parsedArgs");
type WithParsed = { [PARSED]?: (OptionSpec | ParsedArgs)[] };
const NO_SPEC: OptionSpec = {};

/** Splits a command's arguments into options and positional arguments (cached per words and spec object). */
export function parseArgs(cmd: HasWords, spec: OptionSpec = NO_SPEC): ParsedArgs {
  const words = argWords(cmd);
  const perCmd = (words as WithParsed)[PARSED];
  if (perCmd) {
    for (let k = 0; k < perCmd.length; k += 2) if (perCmd[k] === spec) return perCmd[k + 1] as ParsedArgs;
  }
  const options: ParsedOption[] = [];
  const positional: Word[] = [];
  const shortWithValue = spec.shortWithValue ?? "";
  const longWithValue = spec.longWithValue ?? [];
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i]!;
    const v = w.value;
    if (v === null || v === "-" || v.charCodeAt(0) !== 45 /* - */) {
      positional.push(w);
      if (spec.stopAtPositional) {
        i++;
        break;
      }
      continue;
    }
    if (v === "--") {
      i++;
      break;
    }
    const long = v.charCodeAt(1) === 45; // `--name`
    if (long || (spec.singleDashLong && v.length > 2)) {
      const body = v.slice(long ? 2 : 1);
      const eq = body.indexOf("=");
      const name = eq < 0 ? body : body.slice(0, eq);
      let value: string | null = eq < 0 ? null : body.slice(eq + 1);
      if (value === null && longWithValue.includes(name) && i + 1 < words.length) {
        const next = words[++i]!;
        value = next.value ?? next.raw;
      }
      options.push({ name, long: true, value, word: w });
      continue;
    }
    for (let k = 1; k < v.length; k++) {
      const c = v[k]!;
      if (shortWithValue.includes(c)) {
        let value = v.slice(k + 1);
        if (value === "" && i + 1 < words.length) {
          const next = words[++i]!;
          value = next.value ?? next.raw;
        }
        options.push({ name: c, long: false, value, word: w });
        break;
      }
      options.push({ name: c, long: false, value: null, word: w });
    }
  }
  for (; i < words.length; i++) positional.push(words[i]!);
  const result = { options, positional };
  if (perCmd) perCmd.push(spec, result);
  // A plain store: defineProperty goes through the runtime and cost more than the parse itself.
  else if (Object.isExtensible(words)) (words as WithParsed)[PARSED] = [spec, result];
  return result;
}

/**
 * Whether any of `flags` is given. A flag is written as the user would type it or bare:
 * `"-y"` or `"y"` (a short option, found inside clusters such as `-qy`), `"--yes"` or `"yes"`
 * (a long option, also as `--yes=...`).
 */
export function hasFlag(cmd: HasWords, flags: string | readonly string[], spec: OptionSpec = NO_SPEC): boolean {
  return findFlag(cmd, flags, spec) !== null;
}

/** The first option matching any of `flags` (see `hasFlag`), or null. */
export function findFlag(cmd: HasWords, flags: string | readonly string[], spec: OptionSpec = NO_SPEC): ParsedOption | null {
  const options = parseArgs(cmd, spec).options;
  if (options.length === 0) return null;
  for (const o of options) {
    if (typeof flags === "string") {
      const f = normalized(flags);
      if (f.name === o.name && f.long === o.long) return o;
      continue;
    }
    for (const flag of flags) {
      const f = normalized(flag);
      if (f.name === o.name && f.long === o.long) return o;
    }
  }
  return null;
}

const normalizedFlags = new Map<string, { name: string; long: boolean }>();
/** normalizeFlag, remembered: rules ask for the same few flags on every command. */
function normalized(flag: string): { name: string; long: boolean } {
  let f = normalizedFlags.get(flag);
  if (!f) {
    f = normalizeFlag(flag);
    if (normalizedFlags.size < 4096) normalizedFlags.set(flag, f);
  }
  return f;
}

/** The values of every occurrence of an option (`-o a -o b` gives ["a", "b"]). */
export function flagValues(cmd: HasWords, flags: string | readonly string[], spec: OptionSpec = NO_SPEC): string[] {
  const wanted = (typeof flags === "string" ? [flags] : flags).map(normalizeFlag);
  return parseArgs(cmd, spec)
    .options.filter((o) => o.value !== null && wanted.some((f) => f.name === o.name && f.long === o.long))
    .map((o) => o.value!);
}

function normalizeFlag(flag: string): { name: string; long: boolean } {
  if (flag.startsWith("--")) return { name: flag.slice(2), long: true };
  if (flag.startsWith("-")) return { name: flag.slice(1), long: flag.length > 2 };
  return { name: flag, long: flag.length > 1 };
}

/** The positional arguments (no options), as words. */
export function args(cmd: HasWords, spec: OptionSpec = NO_SPEC): readonly Word[] {
  return parseArgs(cmd, spec).positional;
}

/** The positional arguments' static values (null for dynamic ones). */
export function argValues(cmd: HasWords, spec: OptionSpec = NO_SPEC): (string | null)[] {
  return parseArgs(cmd, spec).positional.map((w) => w.value);
}

/** The first positional argument's value (`apt-get -y install x` gives "install"), or null. */
export function subcommand(cmd: HasWords, spec: OptionSpec = NO_SPEC): string | null {
  return parseArgs(cmd, spec).positional[0]?.value ?? null;
}

/**
 * Commands that run another command from their arguments, with the options that take a value.
 * `unwrap` looks through them: `sudo -u app env A=1 apt-get install x` is `apt-get install x`.
 */
export const WRAPPERS: Readonly<Record<string, OptionSpec>> = {
  sudo: { shortWithValue: "ugpCDhrtTU", longWithValue: ["user", "group", "prompt", "chdir", "host", "role", "type", "close-from", "other-user"], stopAtPositional: true },
  doas: { shortWithValue: "uC", stopAtPositional: true },
  "su-exec": { stopAtPositional: true },
  gosu: { stopAtPositional: true },
  env: { shortWithValue: "uCS", longWithValue: ["unset", "chdir", "split-string"], stopAtPositional: true },
  nice: { shortWithValue: "n", longWithValue: ["adjustment"], stopAtPositional: true },
  nohup: { stopAtPositional: true },
  time: { shortWithValue: "fo", longWithValue: ["format", "output"], stopAtPositional: true },
  timeout: { shortWithValue: "sk", longWithValue: ["signal", "kill-after"], stopAtPositional: true },
  exec: { shortWithValue: "a", stopAtPositional: true },
  command: { stopAtPositional: true },
  builtin: { stopAtPositional: true },
  xargs: { shortWithValue: "aEdeIiLlnPs", longWithValue: ["arg-file", "delimiter", "eof", "replace", "max-lines", "max-args", "max-procs", "max-chars", "process-slot-var"], stopAtPositional: true },
  stdbuf: { shortWithValue: "ioe", stopAtPositional: true },
  eatmydata: { stopAtPositional: true },
};

/** The wrapper names (a Set: `in` on the record was a slow lookup, and saw Object.prototype). */
const WRAPPER_NAMES: ReadonlySet<string> = new Set(Object.keys(WRAPPERS));

/** A command `unwrap` looks through (`sudo`, `env`, ...). */
export function isWrapper(name: string): boolean {
  return WRAPPER_NAMES.has(name);
}

/** Arguments of a wrapper that are not the wrapped command: `gosu user cmd`, `timeout 10 cmd`. */
const WRAPPER_LEADING_ARGS: Readonly<Record<string, number>> = { gosu: 1, "su-exec": 1, timeout: 1 };

const scanSpecs = new Map<string, OptionSpec>();
/** The wrapper's spec without `stopAtPositional`, made once per wrapper. */
function scanSpec(name: string, spec: OptionSpec): OptionSpec {
  let s = scanSpecs.get(name);
  if (!s) scanSpecs.set(name, (s = { ...spec, stopAtPositional: false }));
  return s;
}

const NO_WRAPPERS: readonly string[] = Object.freeze([]);

export interface Unwrapped {
  /** The wrapped command's name, or null when it is dynamic or missing. */
  readonly name: string | null;
  /** The wrapped command's words, name first. */
  readonly argv: readonly Word[];
  readonly args: readonly Word[];
  /** The wrappers looked through, outermost first (`["sudo", "env"]`). */
  readonly wrappers: readonly string[];
}

/** Looks through `sudo`, `env`, `nice`, `xargs`, `exec`, ... to the command that really runs. */
export function unwrap(cmd: CommandInfo | readonly Word[]): Unwrapped {
  const info = Array.isArray(cmd) ? null : (cmd as CommandInfo);
  let argv: readonly Word[] = info === null ? (cmd as readonly Word[]) : info.argv;
  const first = argv[0]?.value ?? null;
  // Most commands are not wrappers: keep the command's own arrays.
  if (first === null || !WRAPPER_NAMES.has(first)) return { name: first, argv, args: info !== null ? info.args : argv.slice(1), wrappers: NO_WRAPPERS };
  const wrappers: string[] = [];
  for (let guard = 0; guard < 8; guard++) {
    const name = argv[0]?.value ?? null;
    if (name === null || !Object.hasOwn(WRAPPERS, name)) break;
    const spec = WRAPPERS[name]!;
    const rest = argv.slice(1);
    const parsed = parseArgs(rest, scanSpec(name, spec));
    // Find where the wrapped command starts: the first positional word, skipping env's A=B.
    let k = 0;
    const lead = WRAPPER_LEADING_ARGS[name] ?? 0;
    let skipped = 0;
    let found = -1;
    for (; k < rest.length; k++) {
      const w = rest[k]!;
      if (!parsed.positional.includes(w)) continue;
      if (name === "env" && w.value !== null && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w.value)) continue;
      if (skipped < lead) {
        skipped++;
        continue;
      }
      found = k;
      break;
    }
    if (found < 0) {
      argv = [];
      wrappers.push(name);
      break;
    }
    wrappers.push(name);
    argv = rest.slice(found);
  }
  return { name: argv[0]?.value ?? null, argv, args: argv.slice(1), wrappers };
}
