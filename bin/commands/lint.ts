/**
 * `kiln lint [FILE|DIR|GLOB...]`: BuildKit's build checks and hadolint's rules, with ARG values
 * resolved. Output formats: tty (default), json, sarif, checkstyle, gnu, gitlab. Exit 1 when a
 * finding is at or above the failure threshold (default `info`, as hadolint) or a file does not
 * parse, 0 otherwise; 2 for usage and configuration errors. The linter is imported lazily.
 */
import { defineCommand } from "../command.js";
import { readAll, wantsColor } from "../io.js";
import { version } from "../version.js";

const formats = ["tty", "json", "sarif", "checkstyle", "gnu", "gitlab"] as const;
type Format = (typeof formats)[number];
const thresholds = ["error", "warning", "info", "style", "none"] as const;

export interface LintArgs {
  readonly files?: string[];
  readonly file?: string;
  readonly format: Format;
  readonly config?: string;
  readonly ignore?: string[];
  readonly error?: string[];
  readonly warning?: string[];
  readonly info?: string[];
  readonly style?: string[];
  readonly enable?: string[];
  readonly "failure-threshold"?: string;
  readonly "build-arg"?: string[];
  readonly platform?: string;
  readonly fix: boolean;
  readonly shellcheck: boolean;
  readonly "dry-run": boolean;
  readonly color?: boolean;
}

const list = (describe: string) => ({ type: "string" as const, array: true as const, nargs: 1, requiresArg: true, describe });

export const lintCommand = defineCommand<LintArgs>({
  command: "lint [files..]",
  describe: "Check Dockerfiles against BuildKit's build checks and hadolint's rules",
  builder: (yargs) =>
    yargs
      .positional("files", { type: "string", array: true, describe: "Dockerfiles, directories or globs (default: Dockerfile)" })
      .option("file", { alias: "f", type: "string", requiresArg: true, describe: "A Dockerfile to lint, as with kiln parse; -f - reads standard input" })
      .option("format", { alias: "o", type: "string", choices: formats, default: "tty" as Format, requiresArg: true, describe: "Output format" })
      .option("config", { alias: "c", type: "string", requiresArg: true, describe: "Configuration file (default: .kiln-lint.yaml or .hadolint.yaml in the working directory)" })
      .option("ignore", list("Do not report this rule (repeatable)"))
      .option("error", list("Report this rule as an error"))
      .option("warning", list("Report this rule as a warning"))
      .option("info", list("Report this rule as info"))
      .option("style", list("Report this rule as style"))
      .option("enable", list("Enable an experimental rule (or all)"))
      .option("failure-threshold", { alias: "t", type: "string", choices: thresholds, requiresArg: true, describe: "Exit 1 when a finding is at least this severe (default: info)" })
      .option("build-arg", list("NAME=VALUE used to resolve ARGs (repeatable)"))
      .option("platform", { type: "string", requiresArg: true, describe: "Target platform for TARGETPLATFORM & co. (default: this machine's)" })
      .option("fix", { type: "boolean", default: false, describe: "Rewrite files with the safe, mechanical fixes" })
      .option("shellcheck", { type: "boolean", default: false, describe: "Also run shellcheck on every RUN script (needs the shellcheck binary)" })
      .option("dry-run", { type: "boolean", default: false, describe: "With --fix: print a unified diff instead of writing" })
      .option("color", { type: "boolean", describe: "Colour the tty output (default: when stdout is a colour terminal)" })
      .example("$0 lint", "lint ./Dockerfile")
      .example("$0 lint 'services/**/Dockerfile' --format sarif > lint.sarif", "lint many files for code scanning")
      .example("$0 lint --fix --dry-run", "show what --fix would change")
      .example("cat Dockerfile | $0 lint -f -", "lint standard input")
      .example("$0 lint --ignore DL3008 --build-arg BASE=alpine:3.20", "skip a rule, resolve an ARG") as never,
  run: async (args, io) => {
    const { runLint } = await import("../../linter/run.js");
    const result = await runLint({
      files: [...(args.files ?? []), ...(args.file !== undefined ? [args.file] : [])],
      cwd: io.cwd,
      format: args.format,
      config: args.config,
      ignore: args.ignore ?? [],
      severities: { error: args.error ?? [], warning: args.warning ?? [], info: args.info ?? [], style: args.style ?? [] },
      enable: args.enable ?? [],
      failureThreshold: args["failure-threshold"],
      buildArgs: args["build-arg"] ?? [],
      platform: args.platform,
      fix: args.fix,
      shellcheck: args.shellcheck,
      dryRun: args["dry-run"],
      color: args.color ?? wantsColor(io.stdout, io.env),
      version: version(),
      readStdin: () => readAll(io.stdin),
    });
    if (result.stdout) io.stdout.write(result.stdout);
    if (result.stderr) io.stderr.write(result.stderr);
    return result.exitCode;
  },
});
