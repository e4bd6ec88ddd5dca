/**
 * Parser throughput: kiln's `parse` against dockerfile-ast's `DockerfileParser.parse` (the parser
 * behind the Docker VS Code extension and hadolint-js tooling), on the same generated corpus, in
 * the same process, rounds interleaved so both sides see the same machine state.
 *
 * What each side does per file (so the comparison is like for like: text in, a typed tree with
 * source ranges out, every node materialised):
 *
 * - kiln: `parse(text)`, which returns the whole typed AST eagerly (instructions with ranges,
 *   flags, words, typed fields such as mounts/pairs/commands, heredoc bodies, ONBUILD triggers,
 *   comments, directives) and the diagnostics. Nothing is computed lazily later.
 * - dockerfile-ast: `DockerfileParser.parse(text)` builds the line structure; most of its model is
 *   computed on demand, so we then ask for what kiln already produced: `getDirectives()`,
 *   `getComments()`, `getInstructions()`, and for each instruction `getKeyword()`, `getRange()`,
 *   `getArguments()` (value + range of each), `getFlags()` (name, value, options) when it has
 *   flags, `getProperties()` for ENV/LABEL/ARG, `getJSONStrings()` for exec-form instructions,
 *   `getHeredocs()` for RUN/COPY, `getImageName()/getBuildStage()` for FROM and
 *   `getTriggerInstruction()` (recursively materialised) for ONBUILD.
 *
 * Peak RSS is measured in a separate child process per side (parse every file once), minus a
 * child that only generates the corpus: `process.resourceUsage().maxRSS` is per process.
 *
 * Options (env): KILN_BENCH_FILES (5000), KILN_BENCH_ROUNDS (5), KILN_BENCH_SEED (1).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";
import * as dfa from "dockerfile-ast";
import { parse } from "../parser/index.js";
import { generateCorpus } from "./corpus.js";
import { fmt, median } from "./stats.js";

export interface ParseBenchOptions {
  readonly files: number;
  readonly rounds: number;
  readonly seed: number;
}

export interface SideResult {
  readonly name: string;
  /** null when the side could not run (e.g. the kiln parser is not built yet). */
  readonly error: string | null;
  readonly roundMs: readonly number[];
  readonly medianMs: number;
  readonly mbPerSec: number;
  readonly filesPerSec: number;
  /** Extra peak RSS over a process that only generated the corpus, in MB (null if not measured). */
  readonly peakRssMb: number | null;
}

export interface ParseBenchResult {
  readonly files: number;
  readonly bytes: number;
  readonly kiln: SideResult;
  readonly dockerfileAst: SideResult;
  /** kiln MB/s ÷ dockerfile-ast MB/s. */
  readonly ratio: number | null;
  /** Error diagnostics kiln reported over the corpus (a realistic corpus should give 0). */
  readonly kilnErrorDiagnostics: number;
}

/** A value the optimiser cannot prove unused. */
let sink = 0;

// ---------------------------------------------------------------- the two sides

function kilnSide(text: string): number {
  const { dockerfile, diagnostics } = parse(text);
  return dockerfile.instructions.length + diagnostics.length;
}

interface LspRange {
  readonly start: { readonly line: number };
  readonly end: { readonly character: number };
}

function touchRange(r: LspRange | null): number {
  return r ? r.start.line + r.end.character : 0;
}

function materialise(instruction: dfa.Instruction): number {
  let n = instruction.getKeyword().length + touchRange(instruction.getRange());
  for (const arg of instruction.getArguments()) n += arg.getValue().length + touchRange(arg.getRange());
  if (instruction instanceof dfa.ModifiableInstruction) {
    for (const flag of instruction.getFlags()) {
      n += flag.getName().length + (flag.getValue()?.length ?? 0) + touchRange(flag.getRange());
      if (flag.hasOptions()) for (const o of flag.getOptions()) n += o.getName().length + (o.getValue()?.length ?? 0);
    }
  }
  if (instruction instanceof dfa.PropertyInstruction) {
    for (const p of instruction.getProperties()) n += p.getName().length + (p.getValue()?.length ?? 0) + touchRange(p.getRange());
  }
  if (instruction instanceof dfa.Arg) n += instruction.getProperty()?.getName().length ?? 0;
  if (instruction instanceof dfa.JSONInstruction) {
    for (const s of instruction.getJSONStrings()) n += s.getValue().length + touchRange(s.getRange());
  }
  if (instruction instanceof dfa.Run || instruction instanceof dfa.Copy) {
    for (const h of instruction.getHeredocs()) n += h.getName().length + touchRange(h.getContentRange());
  }
  if (instruction instanceof dfa.From) n += (instruction.getImageName()?.length ?? 0) + (instruction.getBuildStage()?.length ?? 0);
  if (instruction instanceof dfa.Onbuild) {
    const trigger = instruction.getTriggerInstruction();
    if (trigger) n += materialise(trigger);
  }
  return n;
}

function dockerfileAstSide(text: string): number {
  const d = dfa.DockerfileParser.parse(text);
  let n = d.getDirectives().length + d.getComments().length + d.getEscapeCharacter().length;
  for (const instruction of d.getInstructions()) n += materialise(instruction);
  return n;
}

// ---------------------------------------------------------------- measuring

function timeRound(side: (text: string) => number, corpus: readonly string[]): number {
  const start = process.hrtime.bigint();
  let n = 0;
  for (const text of corpus) n += side(text);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  sink ^= n;
  return ms;
}

function canRun(side: (text: string) => number, sample: string): string | null {
  try {
    side(sample);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

const selfPath = fileURLToPath(import.meta.url);

/** Peak RSS (MB) of a child that generates the corpus and parses it once with `side`. */
function probeRss(side: "kiln" | "dockerfile-ast" | "none", options: ParseBenchOptions): number | null {
  const r = spawnSync(process.execPath, [selfPath, "--rss-probe", side, String(options.files), String(options.seed)], {
    encoding: "utf8",
  });
  const m = /^maxrss-kb (\d+)$/m.exec(r.stdout ?? "");
  return r.status === 0 && m ? Number(m[1]) / 1024 : null;
}

export function runParseBench(options: ParseBenchOptions, log: (line: string) => void = console.log): ParseBenchResult {
  const corpus = generateCorpus(options.files, options.seed);
  const bytes = corpus.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const mb = bytes / 1e6;
  log(`parse: ${corpus.length} files, ${fmt(mb, 2)} MB (seed ${options.seed}), ${options.rounds} rounds after warm-up`);

  const sides = [
    { name: "kiln", fn: kilnSide, error: canRun(kilnSide, corpus[0]!), times: [] as number[] },
    { name: "dockerfile-ast", fn: dockerfileAstSide, error: canRun(dockerfileAstSide, corpus[0]!), times: [] as number[] },
  ];
  for (const side of sides) if (side.error) log(`  ${side.name}: cannot run: ${side.error}`);
  const live = sides.filter((s) => !s.error);

  // Warm-up: one full pass each (JIT, inline caches), then a second on a quarter.
  for (const side of live) timeRound(side.fn, corpus);
  for (const side of live) timeRound(side.fn, corpus.slice(0, corpus.length >> 2));
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? live : [...live].reverse();
    for (const side of order) side.times.push(timeRound(side.fn, corpus));
  }

  let kilnErrors = 0;
  if (!sides[0]!.error) {
    for (const text of corpus) kilnErrors += parse(text).diagnostics.filter((d) => d.severity === "error").length;
  }

  const rss = {
    none: probeRss("none", options),
    kiln: sides[0]!.error ? null : probeRss("kiln", options),
    dfa: sides[1]!.error ? null : probeRss("dockerfile-ast", options),
  };
  const extra = (v: number | null) => (v === null || rss.none === null ? null : Math.max(0, v - rss.none));

  const results = sides.map((s, i): SideResult => {
    const med = s.times.length ? median(s.times) : NaN;
    return {
      name: s.name,
      error: s.error,
      roundMs: s.times,
      medianMs: med,
      mbPerSec: mb / (med / 1000),
      filesPerSec: corpus.length / (med / 1000),
      peakRssMb: extra(i === 0 ? rss.kiln : rss.dfa),
    };
  });
  const [k, d] = results as [SideResult, SideResult];
  for (const r of results) {
    if (r.error) continue;
    log(
      `  ${r.name.padEnd(15)} median ${fmt(r.medianMs, 1).padStart(8)} ms/round  ${fmt(r.mbPerSec, 2).padStart(7)} MB/s  ` +
        `${fmt(r.filesPerSec, 0).padStart(7)} files/s  peak RSS +${r.peakRssMb === null ? "?" : fmt(r.peakRssMb, 0)} MB` +
        `  (rounds: ${r.roundMs.map((t) => fmt(t, 0)).join(", ")})`,
    );
  }
  const ratio = !k.error && !d.error ? k.mbPerSec / d.mbPerSec : null;
  log(`  baseline process (corpus only) peak RSS ${rss.none === null ? "?" : fmt(rss.none, 0)} MB`);
  if (ratio !== null) {
    log(`  ratio kiln/dockerfile-ast: ${fmt(ratio, 2)}x   goal >= 2x: ${ratio >= 2 ? "PASS" : "FAIL"}`);
    log(`  kiln error diagnostics over the corpus: ${kilnErrors}`);
  }
  return { files: corpus.length, bytes, kiln: k, dockerfileAst: d, ratio, kilnErrorDiagnostics: kilnErrors };
}

export function parseBenchOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ParseBenchOptions {
  const num = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
  };
  return { files: num("KILN_BENCH_FILES", 5000), rounds: num("KILN_BENCH_ROUNDS", 5), seed: num("KILN_BENCH_SEED", 1) };
}

// ---------------------------------------------------------------- entry points

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === selfPath;
if (isMain && process.argv[2] === "--rss-probe") {
  const side = process.argv[3];
  const corpus = generateCorpus(Number(process.argv[4]), Number(process.argv[5]));
  const fn = side === "kiln" ? kilnSide : side === "dockerfile-ast" ? dockerfileAstSide : null;
  if (fn) for (const text of corpus) sink ^= fn(text);
  console.log(`maxrss-kb ${process.resourceUsage().maxRSS}`);
  if (sink === 0.5) console.log("");
} else if (isMain) {
  runParseBench(parseBenchOptionsFromEnv());
  if (sink === 0.5) console.log("");
}
