/**
 * Shared helpers for the hadolint rules: every RUN with its shell scripts (parsed once per lint
 * run), the SHELL in effect, cache mounts, package lists, image references.
 */
import type { Instruction, RunInstruction, Mount } from "../../../parser/index.js";
import type { LintContext, Stage } from "../../context.js";
import {
  commands, isWrapper, parseArgs, shellSources, unwrap, type CommandInfo, type OptionSpec, type RunHeredoc, type ShellSource, type Word,
} from "../../shell/index.js";

export interface RunInfo {
  readonly run: RunInstruction;
  /** The instruction to report on: the RUN, or the ONBUILD that carries it. */
  readonly at: Instruction;
  readonly stage: Stage | undefined;
  /** The SHELL in effect (null: the default `/bin/sh -c`). */
  readonly shell: readonly string[] | null;
  readonly sources: readonly ShellSource[];
  readonly heredocs: readonly RunHeredoc[];
  readonly onbuild: boolean;
}

/** A command of a RUN, looked through `sudo`/`env`/... wrappers. */
export interface RunCommand {
  readonly info: RunInfo;
  readonly source: ShellSource;
  readonly command: CommandInfo;
  /** The command that really runs (`sudo apt-get` → `apt-get`). */
  readonly name: string | null;
  readonly argv: readonly Word[];
  readonly args: readonly Word[];
  /** The wrappers looked through (`["sudo", "env"]`). */
  readonly wrappers: readonly string[];
}

const NO_SPEC: OptionSpec = {};
const NO_WRAPPERS: readonly string[] = Object.freeze([]);
const RUNS: unique symbol = Symbol("runs");

/** The SHELL array in effect at the end of each stage (a child stage inherits its parent's). */
function shellAtEnd(ctx: LintContext, stage: Stage, memo: Map<Stage, readonly string[] | null>): readonly string[] | null {
  const hit = memo.get(stage);
  if (hit !== undefined) return hit;
  memo.set(stage, null);
  let shell = stage.parent && stage.parent.index < stage.index ? shellAtEnd(ctx, stage.parent, memo) : null;
  for (const i of stage.instructions) if (i.kind === "SHELL" && i.shell.length > 0) shell = i.shell;
  memo.set(stage, shell);
  return shell;
}

/** Every RUN of the file (ONBUILD RUN triggers too) with its scripts. Cached per context. */
export function runs(ctx: LintContext): readonly RunInfo[] {
  return ctx.memo(RUNS, () => collectRuns(ctx));
}

function collectRuns(ctx: LintContext): RunInfo[] {
  const out: RunInfo[] = [];
  const memo = new Map<Stage, readonly string[] | null>();
  const escapeChar = ctx.dockerfile.escapeChar;
  for (const stage of ctx.stages) {
    let shell = stage.parent && stage.parent.index < stage.index ? shellAtEnd(ctx, stage.parent, memo) : null;
    for (const i of stage.instructions) {
      if (i.kind === "SHELL" && i.shell.length > 0) shell = i.shell;
      const run = i.kind === "RUN" ? i : i.kind === "ONBUILD" && i.trigger?.kind === "RUN" ? i.trigger : null;
      if (run === null) continue;
      const { sources, heredocs } = shellSources(run, ctx.lines, { escapeChar, shell });
      const info: RunInfoWithCommands = { run, at: i, stage, shell, sources, heredocs, onbuild: run !== i, commands: undefined };
      out.push(info);
    }
  }
  return out;
}

/** A RunInfo keeps its unwrapped commands once made (see LintContext.memo for why not a WeakMap). */
type RunInfoWithCommands = RunInfo & { commands: RunCommand[] | undefined };

/** The commands of one RUN (all its scripts), unwrapped. */
export function runCommands(info: RunInfo): readonly RunCommand[] {
  const holder = info as RunInfoWithCommands;
  if (holder.commands) return holder.commands;
  const out: RunCommand[] = [];
  for (const source of info.sources) {
    for (const command of commands(source.script)) {
      // `pip`: pipInstall's answer, made on first use (declared here: one object shape).
      if (command.name === null || !isWrapper(command.name)) {
        // Not a wrapper (most commands): unwrap would hand back the command's own arrays.
        out.push({ info, source, command, name: command.name, argv: command.argv, args: command.args, wrappers: NO_WRAPPERS, pip: undefined } as RunCommand);
        continue;
      }
      const u = unwrap(command);
      out.push({ info, source, command, name: u.name, argv: u.argv, args: u.args, wrappers: u.wrappers, pip: undefined } as RunCommand);
    }
  }
  // RunInfos made elsewhere (tests) may not have the field: only cache on ours.
  if ("commands" in holder) holder.commands = out;
  return out;
}

const ALL_COMMANDS: unique symbol = Symbol("allRunCommands");

interface CommandIndex {
  readonly all: readonly RunCommand[];
  readonly byName: ReadonlyMap<string, readonly RunCommand[]>;
}

/** Every command of every RUN, and by (unwrapped) name; once per file. */
function commandIndex(ctx: LintContext): CommandIndex {
  return ctx.memo(ALL_COMMANDS, () => {
    const all: RunCommand[] = [];
    const byName = new Map<string, RunCommand[]>();
    for (const info of runs(ctx)) {
      for (const c of runCommands(info)) {
        all.push(c);
        if (c.name === null) continue;
        let list = byName.get(c.name);
        if (!list) byName.set(c.name, (list = []));
        list.push(c);
      }
    }
    return { all, byName };
  });
}

/**
 * Whether some RUN command (unwrapped) is named one of `names`: a rule's cheap precondition (a
 * Map lookup per name), so that rules about a tool the file never runs return at once.
 */
export function anyCommand(ctx: LintContext, names: readonly string[]): boolean {
  const byName = commandIndex(ctx).byName;
  for (const n of names) if (byName.has(n)) return true;
  return false;
}

/** Every command of every RUN (in file order), optionally only those named `names`. */
export function allRunCommands(ctx: LintContext, names?: readonly string[]): readonly RunCommand[] {
  const entry = commandIndex(ctx);
  if (!names) return entry.all;
  if (names.length === 1) return entry.byName.get(names[0]!) ?? [];
  const byName = entry.byName;
  return entry.all.filter((c) => c.name !== null && names.includes(c.name) && byName.has(c.name));
}

const RUN_INFO: unique symbol = Symbol("runInfoOf");

/** The RunInfo of a RUN instruction (also an ONBUILD trigger). */
export function runInfoOf(ctx: LintContext, run: RunInstruction): RunInfo | undefined {
  return ctx.memo(RUN_INFO, () => new Map(runs(ctx).map((r) => [r.run, r]))).get(run);
}

/** The Dockerfile range of a command word (or the whole command). */
export function rangeOf(c: RunCommand, word?: Word) {
  return c.source.range(word ?? c.command.command);
}

/** Positional arguments of the unwrapped command. */
export function positional(c: RunCommand, spec: OptionSpec = NO_SPEC): readonly Word[] {
  return parseArgs(c.args, spec).positional;
}

/**
 * The word with its expansions replaced by U+0000: enough to see `pkg=${VERSION}` is pinned.
 * Null when the word is only an expansion (nothing is known about it).
 */
export function pattern(word: Word): string | null {
  if (word.value !== null) return word.value;
  let out = "";
  let known = false;
  const walk = (parts: Word["parts"]): void => {
    for (const p of parts) {
      if (p.type === "literal" || p.type === "single" || p.type === "ansi") {
        out += p.value;
        if (p.value !== "") known = true;
      } else if (p.type === "double") walk(p.parts);
      else out += "\u0000";
    }
  };
  walk(word.parts);
  return known ? out : null;
}

/** True when the RUN mounts a cache (or tmpfs) over `path` or a parent of it. */
export function mountsCache(run: RunInstruction, ...paths: string[]): boolean {
  if (run.mounts.length === 0) return false; // most RUNs
  return run.mounts.some((m: Mount) => {
    if (m.type !== "cache" && m.type !== "tmpfs") return false;
    const t = (m.target ?? "").replace(/\/+$/, "");
    if (t === "") return false;
    return paths.some((p) => {
      const want = p.replace(/\/+$/, "");
      return want === t || want.startsWith(t + "/") || (t.startsWith("~") && want.endsWith(t.slice(1)));
    });
  });
}

/** A command removes one of `paths` (`rm -rf /var/lib/apt/lists/*`), in any spelling. */
export function removes(c: RunCommand, paths: readonly string[]): boolean {
  if (c.name !== "rm") return false;
  return positional(c).some((w) => {
    const v = pattern(w);
    if (v === null) return false;
    const norm = v.replace(/\/?\*?$/, "").replace(/\/+$/, "");
    return paths.some((p) => norm === p || norm.startsWith(p + "/") || (norm.length > 1 && p.startsWith(norm + "/")));
  });
}

/** The stages whose content ends up in the final image: the last stage and the stages it builds on. */
export function finalChain(ctx: LintContext): Set<Stage> {
  const out = new Set<Stage>();
  let s: Stage | undefined = ctx.stages[ctx.stages.length - 1];
  while (s && !out.has(s)) {
    out.add(s);
    s = s.parent && s.parent.index < s.index ? s.parent : undefined;
  }
  return out;
}

/** `registry/path/name:tag@digest` split. */
export interface ImageRef {
  readonly registry: string | null;
  readonly path: string;
  readonly tag: string | null;
  readonly digest: string | null;
}

export function parseImage(ref: string): ImageRef {
  let rest = ref;
  let digest: string | null = null;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | null = null;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | null = null;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0 && !rest.slice(colon).includes("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { registry, path: rest, tag, digest };
}

/** The stage names defined before `stage` (lower case). */
export function earlierStageNames(ctx: LintContext, stage: Stage): Set<string> {
  const out = new Set<string>();
  for (const s of ctx.stages) {
    if (s.index >= stage.index) break;
    if (s.name !== null) out.add(s.name);
  }
  return out;
}

/** `FROM <stage>`: the base is an earlier stage, not an image. */
export function isStageBase(ctx: LintContext, stage: Stage): boolean {
  if (stage.base === undefined) return false;
  return earlierStageNames(ctx, stage).has(stage.base.toLowerCase());
}

/** ENV values a stage's RUN can see for `name` (known values only). */
export function envValue(ctx: LintContext, at: Instruction, name: string): string | undefined {
  return ctx.scope(at)?.get(name)?.value;
}

/** Whether the variable is set at all (even to an unknown value) before `at`. */
export function envSet(ctx: LintContext, at: Instruction, name: string): boolean {
  return ctx.scope(at)?.get(name) !== undefined;
}

/** Archive file names that ADD would extract. */
export const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst|tar\.lz|tar\.lzma|tlz|tar\.Z|taz|gz|bz2|xz)$/i;

export function isUrl(s: string): boolean {
  return /^(https?|ftp|git):\/\//i.test(s) || /^git@/.test(s);
}

/** Subcommand (first positional) of an unwrapped command. */
export function subcommandOf(c: RunCommand, spec: OptionSpec = NO_SPEC): string | null {
  return parseArgs(c.args, spec).positional[0]?.value ?? null;
}

/** The positional arguments after the subcommand (the packages of `apt-get install a b`). */
export function afterSubcommand(c: RunCommand, spec: OptionSpec = NO_SPEC): readonly Word[] {
  return parseArgs(c.args, spec).positional.slice(1);
}

/** A command assigns `name` in front of it (`PIP_NO_CACHE_DIR=1 pip install`). */
export function assigns(c: RunCommand, name: string): boolean {
  return c.command.assignments.some((a) => a.name === name);
}

/** Comma-free list of names for messages. */
export function list(words: readonly Word[]): string {
  return words.map((w) => w.value ?? w.raw).join(", ");
}
