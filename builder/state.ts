/**
 * The state of a stage between instructions: the image config being built, the build-time
 * environment (what expansion and RUN see), the declared ARGs, and a few flags BuildKit tracks.
 * States are immutable values; handlers return new ones.
 */
import type { ContainerConfig, ImageConfig, Platform } from "../image/types.js";
import { cloneJson } from "../image/canonical-json.js";

/** The PATH BuildKit adds to every stage whose config has none (Linux). */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The shell used for shell-form RUN/CMD/ENTRYPOINT when the config has no Shell (Linux). */
export const DEFAULT_SHELL: readonly string[] = ["/bin/sh", "-c"];

/** A declared ARG of the stage (BuildKit's buildArgs): value null when it has none. */
export interface ArgValue {
  readonly name: string;
  readonly value: string | null;
}

export interface StageState {
  /** The image's execution config (Env, User, WorkingDir, Cmd, Entrypoint, Shell, Labels…). */
  readonly config: Readonly<ContainerConfig>;
  /** The image config's `author` (MAINTAINER). */
  readonly author: string | undefined;
  /**
   * The build-time environment, in order: the config's Env, then ARG values and ENV, the
   * latest assignment winning (an ARG declared after an ENV of the same name wins for the
   * build, as in BuildKit; the image config keeps the ENV value). Expansion and RUN use it.
   */
  readonly env: readonly (readonly [string, string])[];
  /** ARGs declared in this stage and in the stages it is built FROM, in order. */
  readonly args: readonly ArgValue[];
  /** True once CMD ran in this stage (ENTRYPOINT then keeps it). */
  readonly cmdSet: boolean;
  readonly escapeChar: "\\" | "`";
  readonly platform: Platform;
}

/** What FROM builds on. */
export type BaseState =
  | { readonly kind: "scratch" }
  | { readonly kind: "image"; readonly config: ImageConfig }
  | { readonly kind: "stage"; readonly state: StageState };

/** Parses `K=V` (a missing `=` gives an empty value, as BuildKit's parseKeyValue). */
export function splitEnv(entry: string): [string, string] {
  const eq = entry.indexOf("=");
  return eq < 0 ? [entry, ""] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** Sets `key` in a `K=V` list: replaced in place, else appended (BuildKit's addEnv). */
export function setEnvEntry(list: readonly string[] | undefined, key: string, value: string): string[] {
  const out = [...(list ?? [])];
  const at = out.findIndex((e) => splitEnv(e)[0] === key);
  if (at >= 0) out[at] = `${key}=${value}`;
  else out.push(`${key}=${value}`);
  return out;
}

/** Sets `key` in the build env: replaced in place, else appended. */
export function setBuildEnv(env: readonly (readonly [string, string])[], key: string, value: string): [string, string][] {
  const out = env.map(([k, v]) => [k, v] as [string, string]);
  const at = out.findIndex(([k]) => k === key);
  if (at >= 0) out[at] = [key, value];
  else out.push([key, value]);
  return out;
}

/** The build env as a Map for expansion. */
export function envMap(state: Pick<StageState, "env">): Map<string, string> {
  return new Map(state.env.map(([k, v]) => [k, v]));
}

/** The build env as `K=V` strings. */
export function envList(state: Pick<StageState, "env">): string[] {
  return state.env.map(([k, v]) => `${k}=${v}`);
}

/**
 * The state right after FROM (BuildKit's dispatch start): the base's config with its ONBUILD
 * triggers cleared (they ran, or belong to the base stage), PATH added when missing, the build
 * env taken from the config's Env. A stage base also passes on its build env and ARGs.
 */
export function initialState(base: BaseState, platform: Platform, escapeChar: "\\" | "`"): StageState {
  let config: ContainerConfig;
  let author: string | undefined;
  let env: (readonly [string, string])[] | null = null;
  let args: readonly ArgValue[] = [];
  switch (base.kind) {
    case "scratch":
      config = {};
      break;
    case "image":
      config = cloneJson(base.config.config ?? {});
      author = base.config.author;
      break;
    case "stage":
      config = cloneJson(base.state.config) as ContainerConfig;
      author = base.state.author;
      env = [...base.state.env];
      args = base.state.args;
      platform = base.state.platform;
      break;
  }
  delete config.OnBuild;
  if (platform.os !== "windows" && !(config.Env ?? []).some((e) => splitEnv(e)[0] === "PATH")) {
    config.Env = [...(config.Env ?? []), `PATH=${DEFAULT_PATH}`];
  }
  if (env === null) env = (config.Env ?? []).map(splitEnv);
  else if (!env.some(([k]) => k === "PATH") && platform.os !== "windows") env.push(["PATH", DEFAULT_PATH]);
  return { config, author, env, args, cmdSet: false, escapeChar, platform };
}

/** A new state with `patch` applied to the config. */
export function withConfig(state: StageState, patch: Partial<ContainerConfig>): StageState {
  return { ...state, config: { ...state.config, ...patch } };
}

/** The current working directory ("/" when unset). */
export function workdirOf(state: StageState): string {
  return state.config.WorkingDir || "/";
}

/** The shell for shell-form commands. */
export function shellOf(state: StageState): readonly string[] {
  return state.config.Shell && state.config.Shell.length > 0 ? state.config.Shell : DEFAULT_SHELL;
}
