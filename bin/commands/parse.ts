/**
 * `kiln parse [-f FILE|-] [--format json|dump]`: parses a Dockerfile and prints its AST.
 *
 * - `json` (default): `{ dockerfile, diagnostics }` as 2-space JSON, every node with its range.
 * - `dump`: BuildKit's `Node.Dump` S-expression, for comparing with `buildkit/frontend/dockerfile/parser`.
 *
 * Exit 0 when no diagnostic is an error (warnings are still printed on stderr), 1 otherwise, with
 * code frames on stderr. The parser is imported lazily so `kiln --help` does not load it.
 */
import { defineCommand } from "../command.js";
import { wantsColor } from "../io.js";
import { readInput } from "../input.js";

export const formats = ["json", "dump"] as const;
export type ParseFormat = (typeof formats)[number];

export interface ParseArgs {
  readonly file: string;
  readonly format: ParseFormat;
}

export const parseCommand = defineCommand<ParseArgs>({
  command: "parse",
  describe: "Parse a Dockerfile and print its syntax tree",
  builder: (yargs) =>
    yargs
      .option("file", {
        alias: "f",
        type: "string",
        default: "Dockerfile",
        requiresArg: true,
        describe: "The Dockerfile to read; - reads standard input",
      })
      .option("format", {
        type: "string",
        choices: formats,
        default: "json" as ParseFormat,
        requiresArg: true,
        describe: "json: the typed AST with ranges; dump: BuildKit's Node.Dump S-expression",
      })
      .example("$0 parse", "print ./Dockerfile's AST as JSON")
      .example("$0 parse --format dump", "print the BuildKit S-expression")
      .example("$0 parse -f ci/Dockerfile", "parse another file")
      .example("cat Dockerfile | $0 parse -f -", "parse standard input"),
  run: async (args, io) => {
    const input = await readInput(args.file, io);
    const [{ parse }, { dump }, { renderDiagnostics }] = await Promise.all([
      import("../../parser/index.js"),
      import("../../parser/dump.js"),
      import("../../parser/codeframe.js"),
    ]);
    const result = parse(input.text, { file: input.name });
    if (args.format === "dump") {
      const out = dump(result.dockerfile);
      io.stdout.write(out.endsWith("\n") || out === "" ? out : `${out}\n`);
    } else {
      io.stdout.write(`${JSON.stringify({ dockerfile: result.dockerfile, diagnostics: result.diagnostics }, null, 2)}\n`);
    }
    if (result.diagnostics.length > 0) {
      const frames = renderDiagnostics(input.text, result.diagnostics, {
        file: input.name,
        color: wantsColor(io.stderr, io.env),
      });
      io.stderr.write(frames.endsWith("\n") ? frames : `${frames}\n`);
    }
    return result.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
  },
});
