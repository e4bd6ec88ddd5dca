/**
 * The CLI: one yargs parser, every command from bin/commands, and the one error boundary
 * (bin/errors.ts). `main` returns the exit status instead of exiting, so output is flushed by
 * Node's normal shutdown and the CLI can run in-process.
 */
import yargs from "yargs";
import type { Argv } from "yargs";
import { commands } from "./commands/index.js";
import { reportError, UsageError, ExitCode } from "./errors.js";
import { processIo, type Io } from "./io.js";
import { version } from "./version.js";

const commandNames = new Set(commands.flatMap((c) => [c.command.split(" ")[0]!, ...(c.aliases ?? [])]));

export async function main(args: readonly string[], io: Io = processIo()): Promise<number> {
  let status: number = ExitCode.ok;
  try {
    let cli: Argv = yargs([...args])
      .scriptName("kiln")
      .usage("kiln: a daemonless Dockerfile compiler\n\nUsage: $0 <command> [options]")
      .version(version())
      // docker's flags include --no-trunc, --no-cache…: names, not negations of --trunc/--cache
      .parserConfiguration({ "boolean-negation": false })
      .help()
      .alias("help", "h")
      .strict()
      .demandCommand(1, "no command given")
      .exitProcess(false)
      // the width of the terminal the help goes to; 80 for pipes and files (bin/stdio.ts)
      .wrap(Math.min(100, io.stdout.columns || 80))
      .option("root", {
        type: "string",
        global: true,
        requiresArg: true,
        describe: "The image store (KILN_ROOT; default /var/lib/kiln as root, ~/.local/share/kiln otherwise)",
      })
      .epilogue("Run 'kiln <command> --help' for a command's options. KILN_DEBUG=1 shows stack traces.")
      .fail((message, err) => {
        // Handler errors arrive here too: rethrow them untouched for the boundary below.
        if (err) throw err;
        const first = commandWord(args);
        throw new UsageError(usageMessage(message, args), first !== undefined && commandNames.has(first) ? first : null);
      });
    for (const command of commands) {
      cli = cli.command({
        command: command.command,
        describe: command.describe,
        aliases: command.aliases ? [...command.aliases] : [],
        builder: command.builder as (y: Argv) => Argv,
        handler: async (argv) => {
          status = await command.run(argv, io);
        },
      });
    }
    if (args.length === 0) {
      // Bare `kiln`: the overview, on stderr since it is not what was asked for.
      cli.showHelp((text: string) => io.stderr.write(`${text}\n`));
      return ExitCode.usage;
    }
    await cli.parseAsync();
  } catch (err) {
    status = reportError(err, io.stderr, io.env);
  }
  return status;
}

/** The first word that is neither an option nor the value of a global option (`--root DIR`). */
function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--root") {
      i++;
      continue;
    }
    if (!a.startsWith("-")) return a;
  }
  return undefined;
}

/** Rewords yargs' "Unknown argument: x" when x is in the command position. */
function usageMessage(message: string | undefined, args: readonly string[]): string {
  const first = commandWord(args);
  if (first !== undefined && !commandNames.has(first) && (!message || /^(Unknown argument|Did you mean)/.test(message))) {
    const near = closest(first, [...commandNames]);
    return `unknown command: ${first}${near ? ` (did you mean ${near}?)` : ""}`;
  }
  return message || "invalid command line";
}

function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}
