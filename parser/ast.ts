/**
 * The typed Dockerfile AST. Every node carries a SourceRange into the original text. Values are
 * kept as written (unexpanded): variable expansion happens when a build knows the ARG/ENV values,
 * through `parser/shell`. The shape is documented in docs/ast.md and is what `kiln parse
 * --format json` prints.
 */
import type { SourceRange } from "./range.js";

/** A piece of argument text as written (quotes kept where Docker keeps them for expansion). */
export interface Word {
  readonly text: string;
  readonly range: SourceRange;
}

/** `--name=value` or `--name` before an instruction's arguments (quotes removed, as BuildKit does). */
export interface Flag {
  readonly name: string;
  /** null for a bare `--name`. */
  readonly value: string | null;
  readonly range: SourceRange;
}

/** A heredoc body attached to RUN, COPY or ADD. */
export interface Heredoc {
  /** The delimiter word, without quotes. */
  readonly name: string;
  /** `3<<EOF` gives 3; plain `<<EOF` gives 0 (stdin). */
  readonly fileDescriptor: number;
  /** False when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`): no expansion of the body. */
  readonly expand: boolean;
  /** `<<-EOF`: leading tabs are stripped from every body line. */
  readonly chomp: boolean;
  /** The body, every line ending in "\n", tabs already stripped when `chomp`. */
  readonly content: string;
  /** The `<<EOF` marker in the instruction line. */
  readonly markerRange: SourceRange;
  /** The body lines and the closing delimiter line. */
  readonly range: SourceRange;
}

/** Exec form (a JSON array) or shell form (the text, continuations joined). */
export type Command =
  | { readonly form: "exec"; readonly args: readonly string[]; readonly range: SourceRange }
  | { readonly form: "shell"; readonly text: string; readonly range: SourceRange };

/** `key=value` (or legacy `key value`) in ENV and LABEL; `separator` tells which. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
  readonly separator: "=" | " ";
  readonly range: SourceRange;
}

export type MountType = "bind" | "cache" | "tmpfs" | "secret" | "ssh";

/** One `RUN --mount=...`. Values stay unexpanded; numbers are validated when written literally. */
export interface Mount {
  readonly type: MountType;
  readonly target: string | null;
  readonly source: string | null;
  readonly from: string | null;
  readonly id: string | null;
  readonly readonly: boolean;
  /** cache: shared (default) | private | locked. */
  readonly sharing: "shared" | "private" | "locked" | null;
  readonly mode: string | null;
  readonly uid: string | null;
  readonly gid: string | null;
  /** tmpfs size, as written. */
  readonly size: string | null;
  /** secret: expose as this environment variable. */
  readonly env: string | null;
  readonly required: boolean;
  /** Every key=value as written, for tools that need more than the typed fields. */
  readonly options: Readonly<Record<string, string>>;
  readonly range: SourceRange;
}

interface Base<K extends string> {
  readonly kind: K;
  /** The keyword as written, e.g. "from" or "From". */
  readonly keyword: string;
  readonly keywordRange: SourceRange;
  /** The whole instruction: keyword to the end of its last continuation line and heredoc bodies. */
  readonly range: SourceRange;
  /** Every flag as written, including the ones also lifted into typed fields. */
  readonly flags: readonly Flag[];
  /** The argument text after the flags, continuations joined. */
  readonly arguments: Word;
  readonly heredocs: readonly Heredoc[];
}

export interface FromInstruction extends Base<"FROM"> {
  readonly image: Word | null;
  readonly stageName: Word | null;
  /** The `AS` keyword as written, for casing checks. */
  readonly asKeyword: Word | null;
  readonly platform: string | null;
}

export interface RunInstruction extends Base<"RUN"> {
  readonly command: Command;
  readonly mounts: readonly Mount[];
  readonly network: string | null;
  readonly security: string | null;
}

export interface CmdInstruction extends Base<"CMD"> {
  readonly command: Command;
}

export interface EntrypointInstruction extends Base<"ENTRYPOINT"> {
  readonly command: Command;
}

export interface LabelInstruction extends Base<"LABEL"> {
  readonly pairs: readonly KeyValue[];
}

export interface MaintainerInstruction extends Base<"MAINTAINER"> {
  readonly name: string;
}

export interface ExposeInstruction extends Base<"EXPOSE"> {
  readonly ports: readonly Word[];
}

export interface EnvInstruction extends Base<"ENV"> {
  readonly pairs: readonly KeyValue[];
}

/** Flags shared by COPY and ADD, lifted from `flags`. */
export interface CopyFlags {
  readonly from: string | null;
  readonly chown: string | null;
  readonly chmod: string | null;
  readonly link: boolean;
  readonly parents: boolean;
  readonly exclude: readonly string[];
}

export interface CopyInstruction extends Base<"COPY">, CopyFlags {
  readonly form: "exec" | "shell";
  readonly sources: readonly Word[];
  readonly destination: Word | null;
}

export interface AddInstruction extends Base<"ADD">, CopyFlags {
  readonly form: "exec" | "shell";
  readonly sources: readonly Word[];
  readonly destination: Word | null;
  readonly checksum: string | null;
  readonly keepGitDir: boolean;
  readonly unpack: boolean | null;
}

export interface VolumeInstruction extends Base<"VOLUME"> {
  readonly form: "exec" | "shell";
  readonly paths: readonly Word[];
}

export interface UserInstruction extends Base<"USER"> {
  readonly user: Word | null;
}

export interface WorkdirInstruction extends Base<"WORKDIR"> {
  readonly path: Word | null;
}

export interface ArgDefinition {
  readonly name: string;
  /** null when no `=` was written; "" for `ARG x=`. */
  readonly defaultValue: string | null;
  readonly range: SourceRange;
}

export interface ArgInstruction extends Base<"ARG"> {
  readonly args: readonly ArgDefinition[];
}

export interface OnbuildInstruction extends Base<"ONBUILD"> {
  /** The nested instruction; null when it could not be parsed (a diagnostic says why). */
  readonly trigger: Instruction | null;
}

export interface StopsignalInstruction extends Base<"STOPSIGNAL"> {
  readonly signal: Word | null;
}

export interface HealthcheckOptions {
  readonly interval: string | null;
  readonly timeout: string | null;
  readonly startPeriod: string | null;
  readonly startInterval: string | null;
  readonly retries: string | null;
}

export interface HealthcheckInstruction extends Base<"HEALTHCHECK">, HealthcheckOptions {
  /** null for `HEALTHCHECK NONE`. */
  readonly command: Command | null;
}

export interface ShellInstruction extends Base<"SHELL"> {
  readonly shell: readonly string[];
}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | LabelInstruction
  | MaintainerInstruction
  | ExposeInstruction
  | EnvInstruction
  | AddInstruction
  | CopyInstruction
  | EntrypointInstruction
  | VolumeInstruction
  | UserInstruction
  | WorkdirInstruction
  | ArgInstruction
  | OnbuildInstruction
  | StopsignalInstruction
  | HealthcheckInstruction
  | ShellInstruction;

export type InstructionKind = Instruction["kind"];

export const INSTRUCTION_KINDS: readonly InstructionKind[] = [
  "FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
  "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
];

/** A parser directive (`# syntax=...`, `# escape=...`, `# check=...`) at the top of the file. */
export interface Directive {
  readonly name: "syntax" | "escape" | "check";
  readonly value: string;
  readonly range: SourceRange;
}

export interface Comment {
  /** Text after `#`, leading blanks trimmed. */
  readonly text: string;
  readonly range: SourceRange;
}

export interface Dockerfile {
  readonly instructions: readonly Instruction[];
  readonly directives: readonly Directive[];
  readonly comments: readonly Comment[];
  readonly escapeChar: "\\" | "`";
  readonly range: SourceRange;
}
