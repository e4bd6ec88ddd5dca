import type { Mount, RunInstruction } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { parseCommand } from "./command.js";
import { argumentsWord, readFlags, reportMissing, type FlagSpec, type InstructionInput } from "./context.js";
import { parseMount } from "./mount.js";

const NETWORKS = new Set(["default", "none", "host"]);
const SECURITY = new Set(["sandbox", "insecure"]);

const RUN_FLAGS: FlagSpec = { mount: "list", network: "string", security: "string" };
const NO_MOUNTS: readonly Mount[] = [];

/** `RUN [--mount=...]... [--network=N] [--security=S] command` (shell, exec or heredoc). */
export function parseRun(input: InstructionInput): RunInstruction {
  const flags = readFlags(input, RUN_FLAGS);
  if (input.rest === "" && input.heredocs.length === 0) reportMissing(input, "RUN requires at least one argument");
  let mounts: Mount[] | undefined;
  for (const f of input.flags) if (f.name === "mount" && f.value !== null) (mounts ??= []).push(parseMount(input, f));
  const network = flags.strings.get("network") ?? null;
  const security = flags.strings.get("security") ?? null;
  const flagRange = (name: string) => input.flags.find((f) => f.name === name)!.range;
  if (network !== null && !network.includes("$") && !NETWORKS.has(network)) {
    input.report(ParseCodes.invalidFlag, `unsupported network mode "${network}" (use default, none or host)`, flagRange("network"));
  }
  if (security !== null && !security.includes("$") && !SECURITY.has(security)) {
    input.report(ParseCodes.invalidFlag, `unsupported security mode "${security}" (use sandbox or insecure)`, flagRange("security"));
  }
  const args = argumentsWord(input);
  return { kind: "RUN", keyword: input.keyword, keywordRange: input.keywordRange, range: input.range, flags: input.flags, arguments: args, heredocs: input.heredocs, command: parseCommand(input, input.rest, input.restStart, args.range), mounts: mounts ?? NO_MOUNTS, network, security };
}
