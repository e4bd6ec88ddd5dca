/**
 * From Dockerfile instructions to shell scripts and back: which text of a RUN (or CMD,
 * ENTRYPOINT, HEALTHCHECK) the shell runs, which heredoc bodies are shell scripts, and exact
 * mappings from script offsets to Dockerfile ranges. Also the SHELL-instruction helpers
 * (dialect, `-o pipefail`) and `set -o pipefail` detection.
 */
import type { Command as DockerCommand, Heredoc, Instruction, LineIndex, RunInstruction, SourceRange } from "../../parser/index.js";
import type { Script, Span } from "./ast.js";
import { parseScript } from "./parser.js";
import { commands, type CommandInfo } from "./walk.js";
import { parseArgs } from "./args.js";
import { addHeredocSegments, addLogicalSegments, Segments } from "./offsets.js";

/** A script the shell runs, with the way back to the Dockerfile. */
export interface ShellSource {
  /**
   * `command`: the instruction's shell-form text (heredoc bodies attached after it, as the
   * shell sees them). `heredoc`: a heredoc body that is itself a script (`RUN <<EOF`, or the
   * stdin of `bash <<EOF`). `exec`: the `-c` argument of an exec-form `["sh", "-c", "..."]`.
   */
  readonly origin: "command" | "heredoc" | "exec";
  /** The heredoc, for `origin: "heredoc"`. */
  readonly heredoc: Heredoc | null;
  readonly script: Script;
  /** Offset in the Dockerfile text of each script offset (0..text.length). */
  readonly offsets: ArrayLike<number>;
  /** False when the mapping is approximate (exec form: the whole JSON string). */
  readonly exact: boolean;
  /** The Dockerfile range of a script span. */
  range(span: Span): SourceRange;
}

export interface RunHeredoc {
  readonly heredoc: Heredoc;
  /** The body is run by a shell (and is one of the `sources`). */
  readonly shell: boolean;
  /**
   * What reads the body: the interpreter named by a shebang or the command it is fed to
   * (`python3`, `cat`, `bash`), null when unknown (e.g. `RUN <<EOF` without shebang: the shell).
   */
  readonly program: string | null;
  /** The command in the main script that the heredoc is attached to, if any. */
  readonly command: CommandInfo | null;
}

export interface RunShell {
  /** The scripts, the main command first. Empty for a non-shell exec form. */
  readonly sources: readonly ShellSource[];
  /** Every heredoc of the instruction and whether it is shell. */
  readonly heredocs: readonly RunHeredoc[];
}

export interface ShellOptions {
  /** The stage's `SHELL` (default `["/bin/sh", "-c"]`). A non-POSIX shell gives no sources. */
  readonly shell?: readonly string[] | null;
  /** The Dockerfile's escape character (`dockerfile.escapeChar`). */
  readonly escapeChar?: "\\" | "`";
}

const SHELLS = new Set(["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox", "yash", "posh", "hush"]);

/** The basename of a program path (`/usr/bin/env` → `env`). */
export function basename(path: string): string {
  const k = path.lastIndexOf("/");
  return k < 0 ? path : path.slice(k + 1);
}

/** True for sh-compatible shells (`/bin/sh`, `bash`, `dash`, `/bin/busybox sh`...). */
export function isPosixShell(program: string): boolean {
  return SHELLS.has(basename(program));
}

export type ShellDialect = "sh" | "bash" | "other";

/**
 * The dialect a SHELL array runs commands with: `bash` for bash/zsh/ksh (arrays, `[[`, pipefail
 * everywhere), `sh` for POSIX shells, `other` for pwsh, cmd, python... null/empty means the
 * default `/bin/sh -c`.
 */
export function shellDialect(shell: readonly string[] | null | undefined): ShellDialect {
  if (!shell || shell.length === 0) return "sh";
  let program = basename(shell[0]!);
  if (program === "busybox" && shell[1]) program = basename(shell[1]);
  if (program === "env" && shell[1]) program = basename(shell[1]);
  if (program === "bash" || program === "zsh" || program === "ksh" || program === "mksh") return "bash";
  if (SHELLS.has(program)) return "sh";
  return "other";
}

/** Whether a SHELL array turns on pipefail (`-o pipefail`, `-eo pipefail`, `-opipefail`, `-c "set -o pipefail; ..."` not counted). */
export function shellHasPipefail(shell: readonly string[] | null | undefined): boolean {
  if (!shell) return false;
  for (let i = 1; i < shell.length; i++) {
    const a = shell[i]!;
    if (a === "-c") break;
    if (/^-[A-Za-z]*o$/.test(a) && shell[i + 1] === "pipefail") return true;
    if (/^-[A-Za-z]*opipefail$/.test(a)) return true;
    if (a === "--pipefail") return true;
  }
  return false;
}

/** Whether a `set` command turns pipefail on (`set -o pipefail`, `set -euxo pipefail`). */
export function setsPipefail(cmd: CommandInfo): boolean {
  if (cmd.name !== "set") return false;
  const words = cmd.args.map((w) => w.value);
  for (let i = 0; i < words.length; i++) {
    const a = words[i];
    if (a === null || a === undefined) continue;
    if (/^-[A-Za-z]*o$/.test(a) && words[i + 1] === "pipefail") return true;
  }
  return false;
}

/**
 * Where pipefail is on in a script: the offset after the first `set -o pipefail` that runs
 * unconditionally (not in a subshell, function, condition or after `||`), or null.
 */
export function pipefailFrom(script: Script): number | null {
  for (const c of commands(script)) {
    if (!setsPipefail(c)) continue;
    if (c.inSubshell || c.inFunction || c.inCondition || c.after === "||" || c.before === "||" || c.background) continue;
    return c.command.end;
  }
  return null;
}

/** How to map a script back to the Dockerfile: data, not a closure (see ScriptSource). */
type MappingSpec =
  | { readonly kind: "command"; readonly command: Extract<DockerCommand, { form: "shell" }>; readonly heredocs: readonly Heredoc[]; readonly length: number; readonly escapeChar: "\\" | "`" }
  | { readonly kind: "heredoc"; readonly heredoc: Heredoc }
  | { readonly kind: "fixed"; readonly range: SourceRange; readonly length: number };

/**
 * A ShellSource whose mapping is made on first use (only a reported range needs it). A class
 * with data rather than closures per source: per-file closures kept their whole scope (the
 * parsed script among it) alive through the next young-generation collection, a third of what
 * a file allocates.
 */
class ScriptSource implements ShellSource {
  private segments: Segments | undefined = undefined;

  constructor(
    readonly origin: ShellSource["origin"],
    readonly heredoc: Heredoc | null,
    readonly script: Script,
    readonly exact: boolean,
    private readonly index: LineIndex,
    private readonly spec: MappingSpec,
  ) {}

  get offsets(): ArrayLike<number> {
    return this.mapping().table();
  }

  range(span: Span): SourceRange {
    if (this.spec.kind === "fixed") return this.spec.range;
    const m = this.mapping();
    if (span.end <= span.start) return this.index.range(m.at(span.start), m.at(span.start));
    // The end is just past the last character (not the start of whatever follows it).
    return this.index.range(m.at(span.start), m.at(span.end - 1) + 1);
  }

  private mapping(): Segments {
    return (this.segments ??= buildSegments(this.index.text, this.spec, !this.index.hasCR));
  }
}

function buildSegments(source: string, spec: MappingSpec, lfOnly: boolean): Segments {
  switch (spec.kind) {
    case "fixed": {
      // Every offset maps to the start of the range (an exec-form JSON array).
      const out = new Segments(spec.length);
      for (let k = 0; k <= spec.length; k++) out.add(k, spec.range.start.offset);
      return out;
    }
    case "heredoc": {
      const out = new Segments(spec.heredoc.content.length);
      addHeredocSegments(out, 0, source, spec.heredoc, lfOnly);
      return out;
    }
    case "command": {
      // The command text, a "\n", then every heredoc body and its delimiter line.
      const { command, heredocs, escapeChar } = spec;
      const text = command.text;
      const out = new Segments(spec.length);
      addLogicalSegments(out, 0, source, command.range.start.offset, text.length, escapeChar, lfOnly);
      // The "\n" after the command maps to the end of the command.
      let k = text.length + 1;
      out.add(k, out.at(text.length));
      for (const h of heredocs) {
        let d = addHeredocSegments(out, k, source, h, lfOnly);
        k += h.content.length;
        // The delimiter line.
        if (h.chomp) while (source.charCodeAt(d) === 9) d++;
        out.add(k, d);
        k += h.name.length + 1;
        out.add(k, d + h.name.length);
      }
      return out;
    }
  }
}

const MARKER_ONLY = /^\s*\d*<<-?\s*(["']?)[^\s"'<>|&;()]+\1\s*$/;

function shebangProgram(content: string): string | null {
  const m = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(content);
  if (!m) return null;
  const prog = basename(m[1]!);
  if (prog === "env" && m[2]) return basename(m[2] === "-S" ? content.slice(m[0].length).trim().split(/\s+/)[0] ?? "" : m[2]);
  return prog;
}

/** Programs that read a script from stdin when given no script argument. */
function readsScriptFromStdin(cmd: CommandInfo): boolean {
  if (cmd.name === null || !isPosixShell(cmd.name)) return false;
  const parsed = parseArgs(cmd, { shortWithValue: "o", stopAtPositional: true });
  if (parsed.options.some((o) => o.name === "c" && !o.long)) return false;
  return parsed.positional.length === 0 || parsed.options.some((o) => o.name === "s" && !o.long);
}

/**
 * The shell scripts of a command-bearing instruction (RUN, CMD, ENTRYPOINT, HEALTHCHECK), with
 * exact offsets back to `index.text` (the Dockerfile).
 *
 * - Shell form: the command text, continuations removed, then (as BuildKit does) each heredoc
 *   body and its delimiter line appended, so `cat <<EOF > f` sees its body.
 * - `RUN <<EOF` alone: the heredoc body is the script, unless its shebang names a non-shell.
 * - `RUN bash <<EOF` (a shell reading stdin), `cat <<EOF | sh`: the body is a script too.
 * - Exec form `["sh", "-c", "script"]`: the script, with offsets pointing at the JSON array.
 * - Under a non-POSIX `SHELL` (pwsh, cmd): no sources.
 */
export function shellSources(instruction: Instruction, index: LineIndex, options: ShellOptions = {}): RunShell {
  const command: DockerCommand | null =
    instruction.kind === "RUN" || instruction.kind === "CMD" || instruction.kind === "ENTRYPOINT" || instruction.kind === "HEALTHCHECK"
      ? instruction.command
      : null;
  const heredocsOf = instruction.heredocs;
  if (command === null) return { sources: [], heredocs: [] };

  if (command.form === "exec") {
    const args = command.args;
    const program = args[0];
    const c = args.indexOf("-c");
    if (program !== undefined && isPosixShell(program) && c >= 1 && c + 1 < args.length) {
      const text = args[c + 1]!;
      const script = parseScript(text);
      return { sources: [new ScriptSource("exec", null, script, false, index, { kind: "fixed", range: command.range, length: text.length })], heredocs: [] };
    }
    return { sources: [], heredocs: [] };
  }
  if (shellDialect(options.shell) === "other") {
    return { sources: [], heredocs: heredocsOf.map((heredoc) => ({ heredoc, shell: false, program: null, command: null })) };
  }

  const escapeChar = options.escapeChar ?? "\\";
  const text = command.text;
  const sources: ShellSource[] = [];
  const runHeredocs: RunHeredoc[] = [];

  // `RUN <<EOF` alone: the body is the script.
  if (heredocsOf.length === 1 && MARKER_ONLY.test(text) && heredocsOf[0]!.fileDescriptor === 0) {
    const heredoc = heredocsOf[0]!;
    const program = shebangProgram(heredoc.content);
    const shell = program === null || isPosixShell(program);
    if (shell) {
      sources.push(new ScriptSource("heredoc", heredoc, parseScript(heredoc.content), true, index, { kind: "heredoc", heredoc }));
    }
    return { sources, heredocs: [{ heredoc, shell, program, command: null }] };
  }

  // The command text, then every body and its delimiter line. Joined, not concatenated: join
  // makes a flat string, which the parser scans ~20% faster than a concatenation (a cons string
  // over a slice of the Dockerfile).
  const pieces = [text, "\n"];
  for (const h of heredocsOf) pieces.push(h.content, h.name, "\n");
  const full = pieces.join("");
  const script = parseScript(full);
  sources.push(new ScriptSource("command", null, script, true, index, { kind: "command", command, heredocs: heredocsOf, length: full.length, escapeChar }));

  if (heredocsOf.length === 0) return { sources, heredocs: runHeredocs }; // most RUNs
  // Match the script's heredoc redirects to the instruction's heredocs, in order.
  const attached: { cmd: CommandInfo; fd: number | null }[] = [];
  for (const c of commands(script)) {
    for (const r of c.redirects) if (r.heredoc) attached.push({ cmd: c, fd: r.fd });
  }
  heredocsOf.forEach((heredoc, k) => {
    const owner = attached[k]?.cmd ?? null;
    let shell = false;
    let program: string | null = owner?.name ?? null;
    if (owner !== null && heredoc.fileDescriptor === 0) {
      if (readsScriptFromStdin(owner)) shell = true;
      else if (owner.inPipeline && owner.pipelineIndex < owner.pipeline.commands.length - 1) {
        // `cat <<EOF | sh`
        const next = commands(script).find((c) => c.pipeline === owner.pipeline && c.pipelineIndex === owner.pipelineIndex + 1);
        if (next && (owner.name === "cat" || owner.name === "tee") && readsScriptFromStdin(next)) {
          shell = true;
          program = next.name;
        }
      }
    }
    if (shell) {
      sources.push(new ScriptSource("heredoc", heredoc, parseScript(heredoc.content), true, index, { kind: "heredoc", heredoc }));
    }
    runHeredocs.push({ heredoc, shell, program, command: owner });
  });
  return { sources, heredocs: runHeredocs };
}

/** `shellSources` for a RUN instruction. */
export function runScripts(run: RunInstruction, index: LineIndex, options: ShellOptions = {}): RunShell {
  return shellSources(run, index, options);
}

/** Every simple command of every shell source, each with its source (for ranges). */
export function allCommands(shell: RunShell): { source: ShellSource; command: CommandInfo }[] {
  return shell.sources.flatMap((source) => commands(source.script).map((command) => ({ source, command })));
}
