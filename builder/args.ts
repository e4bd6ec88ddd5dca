/**
 * ARG scopes as BuildKit has them.
 *
 * - The automatic platform ARGs (BUILDPLATFORM, BUILDOS, BUILDARCH, BUILDVARIANT, TARGETPLATFORM,
 *   TARGETOS, TARGETARCH, TARGETVARIANT, and TARGETSTAGE) are set in the global scope, where
 *   `--build-arg` may override them. Inside a stage they exist only when declared with `ARG NAME`,
 *   which then takes the global value.
 * - Global ARGs (before the first FROM) are evaluated in order: a `--build-arg` value wins, else
 *   the default expanded with the ARGs before it; `ARG NAME` without either adds nothing.
 *   Only FROM lines (image and `--platform`) and stage ARGs without a default see them.
 * - The proxy ARGs (HTTP_PROXY, HTTPS_PROXY, FTP_PROXY, NO_PROXY, ALL_PROXY, any case) given with
 *   `--build-arg` reach every RUN's environment without an ARG and stay out of expansion, the
 *   image config and the history. Declared with ARG they are ordinary ARGs.
 */
import type { ArgInstruction } from "../parser/ast.js";
import type { Platform } from "../image/types.js";
import { processWord } from "../parser/shell/index.js";
import { BuildCodes, BuildError } from "./errors.js";
import { formatPlatform } from "./platform.js";
import { ShellExpansionError } from "../parser/shell/index.js";

export const PROXY_ARGS: readonly string[] = ["HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"];

export const AUTOMATIC_ARGS: readonly string[] = [
  "BUILDPLATFORM", "BUILDOS", "BUILDOSVERSION", "BUILDARCH", "BUILDVARIANT",
  "TARGETPLATFORM", "TARGETOS", "TARGETOSVERSION", "TARGETARCH", "TARGETVARIANT", "TARGETSTAGE",
];

/** Whether `name` is one of the predefined proxy ARGs (case-insensitive). */
export function isProxyArg(name: string): boolean {
  return PROXY_ARGS.includes(name.toUpperCase());
}

/** The automatic ARGs, with `--build-arg` overrides applied (BuildKit's defaultArgs). */
export function automaticArgs(build: Platform, target: Platform, targetStage: string, buildArgs: ReadonlyMap<string, string>): Map<string, string> {
  const values: [string, string][] = [
    ["BUILDPLATFORM", formatPlatform(build)],
    ["BUILDOS", build.os],
    ["BUILDOSVERSION", build["os.version"] ?? ""],
    ["BUILDARCH", build.architecture],
    ["BUILDVARIANT", build.variant ?? ""],
    ["TARGETPLATFORM", formatPlatform(target)],
    ["TARGETOS", target.os],
    ["TARGETOSVERSION", target["os.version"] ?? ""],
    ["TARGETARCH", target.architecture],
    ["TARGETVARIANT", target.variant ?? ""],
    ["TARGETSTAGE", targetStage],
  ];
  const out = new Map<string, string>();
  for (const [k, v] of values) out.set(k, buildArgs.get(k) ?? v);
  return out;
}

/**
 * The global scope: the automatic ARGs, then each ARG before the first FROM in order
 * (BuildKit's buildMetaArgs). Throws BuildError at the ARG whose default cannot be expanded.
 */
export function globalArgs(
  argInstructions: readonly ArgInstruction[],
  automatic: ReadonlyMap<string, string>,
  buildArgs: ReadonlyMap<string, string>,
  escapeChar: "\\" | "`",
): Map<string, string> {
  const scope = new Map(automatic);
  for (const instruction of argInstructions) {
    for (const arg of instruction.args) {
      const given = buildArgs.get(arg.name);
      if (given !== undefined) {
        scope.set(arg.name, given);
      } else if (arg.defaultValue !== null) {
        try {
          scope.set(arg.name, processWord(arg.defaultValue, scope, { escapeChar }));
        } catch (e) {
          throw expansionError(e, arg.range);
        }
      }
    }
  }
  return scope;
}

/**
 * The proxy variables a RUN gets from `--build-arg` (BuildKit's proxyEnvFromBuildArgs: keys
 * compared case-insensitively, in sorted order so `http_proxy` beats `HTTP_PROXY`), each
 * given in upper and lower case as BuildKit's executor does.
 */
export function proxyEnv(buildArgs: ReadonlyMap<string, string>): [string, string][] {
  const chosen = new Map<string, string>();
  for (const key of [...buildArgs.keys()].sort()) {
    const upper = key.toUpperCase();
    if (PROXY_ARGS.includes(upper)) chosen.set(upper, buildArgs.get(key)!);
  }
  const out: [string, string][] = [];
  for (const name of PROXY_ARGS) {
    const v = chosen.get(name);
    if (v === undefined || v === "") continue;
    out.push([name, v], [name.toLowerCase(), v]);
  }
  return out;
}

/** Wraps a ShellExpansionError (or anything else) as a BuildError at `range`. */
export function expansionError(e: unknown, range: import("../parser/range.js").SourceRange, trigger?: string): Error {
  if (e instanceof ShellExpansionError) {
    return new BuildError(BuildCodes.expansion, e.message, { range, trigger, cause: e });
  }
  return e instanceof Error ? e : new Error(String(e));
}
