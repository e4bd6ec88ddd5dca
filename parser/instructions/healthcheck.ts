import type { Command, HealthcheckInstruction } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { parseCommand } from "./command.js";
import { argumentsWord, readFlags, reportMissing, type InstructionInput } from "./context.js";

const FLAGS = { interval: "string", timeout: "string", "start-period": "string", "start-interval": "string", retries: "string" } as const;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, "μs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration (unsigned): nanoseconds, or null when the text is not a duration. */
const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
const DURATION_FLAGS = ["interval", "timeout", "start-period", "start-interval"] as const;

export function parseGoDuration(text: string): number | null {
  if (text === "0") return 0;
  const re = DURATION_PART;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return null;
    total += Number(m[1]) * UNIT_NS[m[2]!]!;
    at = re.lastIndex;
  }
  return at === 0 ? null : total;
}

/** `HEALTHCHECK [--interval=D --timeout=D --start-period=D --start-interval=D --retries=N] CMD command` or `HEALTHCHECK NONE`. */
export function parseHealthcheck(input: InstructionInput): HealthcheckInstruction {
  const flags = readFlags(input, FLAGS);
  for (const name of DURATION_FLAGS) {
    const v = flags.strings.get(name);
    if (v === undefined) continue;
    const range = input.flags.find((f) => f.name === name)!.range;
    const ns = parseGoDuration(v);
    if (ns === null) input.report(ParseCodes.invalidFlag, `--${name}: "${v}" is not a duration (e.g. 30s, 1m30s)`, range);
    else if (ns !== 0 && ns < 1e6) input.report(ParseCodes.invalidFlag, `--${name} "${v}" cannot be less than 1ms`, range);
  }
  const retries = flags.strings.get("retries");
  if (retries !== undefined && !/^\d+$/.test(retries)) {
    input.report(ParseCodes.invalidFlag, `--retries must be a non-negative integer, not "${retries}"`, input.flags.find((f) => f.name === "retries")!.range);
  }

  const { rest, restStart } = input;
  const typeMatch = /^[^\t\v\f\r ]+/.exec(rest);
  let command: Command | null = null;
  if (!typeMatch) {
    reportMissing(input, "HEALTHCHECK requires at least one argument (CMD or NONE)");
  } else {
    const type = typeMatch[0].toUpperCase();
    const after = /^[\t\v\f\r ]*/.exec(rest.slice(typeMatch[0].length))![0].length + typeMatch[0].length;
    const typeRange = input.at(restStart, restStart + typeMatch[0].length);
    if (type === "NONE") {
      if (after < rest.length) input.report(ParseCodes.invalidArguments, "HEALTHCHECK NONE takes no arguments", input.at(restStart + after, restStart + rest.length));
    } else if (type === "CMD") {
      if (after >= rest.length) input.report(ParseCodes.missingArguments, "missing command after HEALTHCHECK CMD", typeRange);
      command = parseCommand(input, rest.slice(after), restStart + after);
    } else {
      input.report(ParseCodes.invalidArguments, `unknown type "${typeMatch[0]}" in HEALTHCHECK (try CMD or NONE)`, typeRange);
    }
  }
  return {
    kind: "HEALTHCHECK",
    keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: argumentsWord(input), heredocs: input.heredocs,
    command,
    interval: flags.strings.get("interval") ?? null,
    timeout: flags.strings.get("timeout") ?? null,
    startPeriod: flags.strings.get("start-period") ?? null,
    startInterval: flags.strings.get("start-interval") ?? null,
    retries: retries ?? null,
  };
}
