/**
 * From Dockerfile instructions to shell scripts and back: which text of a RUN (or CMD,
 * ENTRYPOINT, HEALTHCHECK) the shell runs, which heredoc bodies are shell scripts, and exact
 * mappings from script offsets to Dockerfile ranges. Also the SHELL-instruction helpers
 * (dialect, `-o pipefail`) and `set -o pipefail` detection.
 */
import type { Command as DockerCommand, Heredoc, Instruction, LineIndex, RunInstruction, SourceRange } from "../../parser/index.js";
import { continuationAt } from "../../parser/lines.js";
import type { Script, Span } from "./ast.js";
import { parseScript } from "./parser.js";
import { commands, type CommandInfo } from "./walk.js";
import { parseArgs } from "./args.js";

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

// ---- offsets ---------------------------------------------------------------------------------

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 10 || c === 0x85 || c === 0xa0;
}

function lineEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) break;
    i++;
  }
  return i;
}

function nextLineStart(text: string, end: number): number {
  if (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10) return end + 2;
  return Math.min(end + 1, text.length);
}

function lineStart(text: string, at: number): number {
  let i = at;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 10 || c === 13) break;
    i--;
  }
  return i;
}

/**
 * The Dockerfile offset of every character of a logical (continuations joined) text that
 * starts at `start` in `source`, re-walking the continuation markers, comment lines and empty
 * lines the parser dropped. Entry `length` is the offset just past the last character.
 */
export function logicalOffsets(source: string, start: number, length: number, escapeChar: "\\" | "`" = "\\"): Int32Array {
  const escape = escapeChar.charCodeAt(0);
  const out = new Int32Array(length + 1);
  let o = start;
  let end = lineEnd(source, o);
  let cont = continuationAt(source, lineStart(source, o), end, escape);
  for (let s = 0; s < length; s++) {
    while ((cont >= 0 && o >= cont) || (cont < 0 && o >= end)) {
      if (cont < 0 || end >= source.length) break;
      // Next physical line that is neither a comment nor empty.
      let ls = nextLineStart(source, end);
      for (;;) {
        const le = lineEnd(source, ls);
        let f = ls;
        while (f < le && isBlank(source.charCodeAt(f))) f++;
        if ((f < le && source.charCodeAt(f) === 35) || f === le) {
          if (le >= source.length) {
            ls = le;
            break;
          }
          ls = nextLineStart(source, le);
          continue;
        }
        break;
      }
      o = ls;
      end = lineEnd(source, ls);
      cont = continuationAt(source, ls, end, escape);
    }
    out[s] = o;
    o++;
  }
  out[length] = length === 0 ? start : out[length - 1]! + 1;
  return out;
}

/**
 * The Dockerfile offset of every character of a heredoc body (`content`), walking the body
 * lines from `heredoc.range.start` (CRLF line ends and `<<-` stripped tabs included).
 */
export function heredocOffsets(source: string, heredoc: Heredoc): Int32Array {
  const content = heredoc.content;
  const out = new Int32Array(content.length + 1);
  let o = heredoc.range.start.offset;
  let s = 0;
  while (s < content.length) {
    if (heredoc.chomp) while (source.charCodeAt(o) === 9) o++;
    const eol = content.indexOf("\n", s);
    const stop = eol < 0 ? content.length : eol;
    for (; s < stop; s++) out[s] = o++;
    if (eol < 0) break;
    out[s++] = o; // the "\n"
    o = nextLineStart(source, lineEnd(source, o));
  }
  out[content.length] = Math.min(o, source.length);
  return out;
}

function makeSource(
  index: LineIndex,
  origin: ShellSource["origin"],
  heredoc: Heredoc | null,
  script: Script,
  computeOffsets: () => ArrayLike<number>,
  exact: boolean,
  fixedRange?: SourceRange,
): ShellSource {
  // The offsets are only needed to report a range: computed on first use.
  let offsets: ArrayLike<number> | undefined;
  const at = (k: number): number => {
    const o = (offsets ??= computeOffsets());
    return o[Math.max(0, Math.min(k, o.length - 1))]!;
  };
  return {
    origin, heredoc, script, exact,
    get offsets(): ArrayLike<number> {
      return (offsets ??= computeOffsets());
    },
    range: fixedRange
      ? () => fixedRange
      : (span: Span): SourceRange => {
          if (span.end <= span.start) return index.range(at(span.start), at(span.start));
          // The end is just past the last character (not the start of whatever follows it).
          return index.range(at(span.start), at(span.end - 1) + 1);
        },
  };
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
  const source = index.text;

  if (command.form === "exec") {
    const args = command.args;
    const program = args[0];
    const c = args.indexOf("-c");
    if (program !== undefined && isPosixShell(program) && c >= 1 && c + 1 < args.length) {
      const text = args[c + 1]!;
      const script = parseScript(text);
      const offsets = () => new Int32Array(text.length + 1).fill(command.range.start.offset);
      return { sources: [makeSource(index, "exec", null, script, offsets, false, command.range)], heredocs: [] };
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
      sources.push(makeSource(index, "heredoc", heredoc, parseScript(heredoc.content), () => heredocOffsets(source, heredoc), true));
    }
    return { sources, heredocs: [{ heredoc, shell, program, command: null }] };
  }

  // The command text, then every body and its delimiter line.
  let full = text + "\n";
  for (const h of heredocsOf) full += h.content + h.name + "\n";
  const script = parseScript(full);
  const offsets = (): Int32Array => {
    const out = new Int32Array(full.length + 1);
    out.set(logicalOffsets(source, command.range.start.offset, text.length, escapeChar).subarray(0, text.length + 1));
    // The "\n" after the command maps to the end of the command.
    let k = text.length + 1;
    for (const h of heredocsOf) {
      const body = heredocOffsets(source, h);
      out.set(body.subarray(0, h.content.length), k);
      k += h.content.length;
      // The delimiter line.
      let d = body[h.content.length]!;
      if (h.chomp) while (source.charCodeAt(d) === 9) d++;
      for (let j = 0; j <= h.name.length; j++) out[k++] = d + j;
    }
    out[k] = k > 0 ? out[k - 1]! : command.range.end.offset;
    return out;
  };
  sources.push(makeSource(index, "command", null, script, offsets, true));

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
      sources.push(makeSource(index, "heredoc", heredoc, parseScript(heredoc.content), () => heredocOffsets(source, heredoc), true));
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
