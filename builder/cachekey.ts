/**
 * Step cache keys: a versioned canonical record per layer-making step, `key = sha256(canonical
 * JSON)`. What counts:
 *
 * - every record: `keyVersion`, the parent step's key (a FROM's key for the first step), the
 *   step kind and the instruction text after expansion (its history `created_by`);
 * - FROM: the base image digest (or `scratch`, or the base stage's last key) and the platform;
 * - RUN: argv, user, workdir, network, security, mounts (with the keys of the stages/images they
 *   read) and **every** variable it can see (config Env, ARGs, ENV — as BuildKit gives them all
 *   to the process); proxy build args never count;
 * - COPY/ADD: only the variables its expansion used, the flags, the source's key (context, stage
 *   or image) and the selected files with path, type, mode, owner, link target and content
 *   digest — never mtimes, so touching a file is a hit;
 * - WORKDIR's mkdir: path, user, mode.
 *
 * Config-only steps (ENV, LABEL…) make no key: they change no filesystem, and what later steps
 * see of them (env, user, workdir) is in those steps' records. Secrets are never recorded (a
 * secret mount records its id and target only).
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../image/canonical-json.js";
import type { Effect } from "./effects.js";

export const KEY_VERSION = 1;

/** One selected file of a COPY/ADD, as the executor saw it. */
export interface FileInput {
  /** Path relative to the copy source root, slash-separated. */
  readonly path: string;
  readonly type: "file" | "dir" | "symlink";
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  /** `sha256:…` of the content (files only). */
  readonly digest?: string;
  readonly linkTarget?: string;
}

export interface StepRecord {
  readonly keyVersion: number;
  readonly parent: string | null;
  readonly step: "from" | "run" | "copy" | "mkdir";
  /** The instruction after expansion (its `created_by`), or `FROM <ref>`. */
  readonly instruction: string;
  /** Variables that count (name → value). */
  readonly args: Readonly<Record<string, string>>;
  /** Step-specific inputs (argv, user, flags…), plain JSON. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** COPY/ADD: selected files, sorted by path. */
  readonly files?: readonly FileInput[];
  /** Keys or digests of what the step reads besides its parent (COPY --from, mount from=), by name. */
  readonly sources?: Readonly<Record<string, string>>;
  /** FROM: image digest, `scratch`, or the base stage's key. */
  readonly base?: string;
}

function sortedRecord(entries: Iterable<readonly [string, string]>): Record<string, string> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The record of a FROM: the base (digest / `scratch` / stage key) and the platform. */
export function fromRecord(image: string, base: string, platform: string): StepRecord {
  return { keyVersion: KEY_VERSION, parent: null, step: "from", instruction: `FROM ${image}`, args: {}, inputs: { platform }, base };
}

export interface StepExtras {
  /** Variables the handler's expansion used (HandlerResult.used). */
  readonly used?: Readonly<Record<string, string>>;
  /** COPY/ADD: the selected files. */
  readonly files?: readonly FileInput[];
  /** Keys/digests of stages or images read (COPY --from, mount from=), by the name written. */
  readonly sources?: Readonly<Record<string, string>>;
}

/** The record of a layer-making effect; null for config-only effects (they make no key). */
export function stepRecord(parent: string, effect: Effect, extras: StepExtras = {}): StepRecord | null {
  const base = { keyVersion: KEY_VERSION, parent, instruction: effect.history.createdBy };
  switch (effect.kind) {
    case "run":
      return {
        ...base,
        step: "run",
        args: sortedRecord(effect.cacheEnv.map((e) => {
          const eq = e.indexOf("=");
          return [e.slice(0, eq), e.slice(eq + 1)] as const;
        })),
        inputs: {
          argv: [...effect.argv], env: [...effect.cacheEnv], user: effect.user, workdir: effect.workdir, network: effect.network,
          security: effect.security, platform: effect.platform, files: effect.files,
          mounts: effect.mounts.map((m) => (m.type === "secret" ? { type: m.type, id: m.id, target: m.target, env: m.env, required: m.required, mode: m.mode, uid: m.uid, gid: m.gid } : m)),
        },
        ...(extras.sources ? { sources: sortedRecord(Object.entries(extras.sources)) } : {}),
      };
    case "copy":
      return {
        ...base,
        step: "copy",
        args: sortedRecord(Object.entries(extras.used ?? {})),
        inputs: {
          from: effect.from, sources: effect.sources, destination: effect.destination, chown: effect.chown, chmod: effect.chmod, link: effect.link,
          parents: effect.parents, exclude: effect.exclude, unpack: effect.unpack, checksum: effect.checksum, keepGitDir: effect.keepGitDir,
        },
        files: [...(extras.files ?? [])].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
        ...(extras.sources ? { sources: sortedRecord(Object.entries(extras.sources)) } : {}),
      };
    case "mkdir":
      return { ...base, step: "mkdir", args: {}, inputs: { path: effect.path, user: effect.user, mode: effect.mode } };
    case "config":
      return null;
  }
}

/** `sha256:<hex>` of the record's canonical JSON. */
export function cacheKey(record: StepRecord): string {
  return "sha256:" + createHash("sha256").update(canonicalJson(record)).digest("hex");
}

const short = (v: string | null | undefined) => (v === null || v === undefined ? "none" : v.startsWith("sha256:") ? v.slice(0, 19) + "…" : v);
const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? "none");
const octal = (m: number) => "0" + m.toString(8);

/** Human lines naming what differs between the record that made a cached result and the new one (`--explain-cache`). */
export function explain(previous: StepRecord, current: StepRecord): string[] {
  const lines: string[] = [];
  if (previous.keyVersion !== current.keyVersion) lines.push(`cache key version changed: ${previous.keyVersion} → ${current.keyVersion}`);
  if (previous.step !== current.step) lines.push(`step kind changed: ${previous.step} → ${current.step}`);
  if (previous.base !== current.base) lines.push(`base image changed: ${short(previous.base)} → ${short(current.base)}`);
  if (previous.parent !== current.parent) lines.push(`the previous step changed: ${short(previous.parent)} → ${short(current.parent)}`);
  if (previous.instruction !== current.instruction) lines.push(`instruction changed: ${show(previous.instruction)} → ${show(current.instruction)}`);
  for (const name of new Set([...Object.keys(previous.args), ...Object.keys(current.args)])) {
    const a = previous.args[name];
    const b = current.args[name];
    if (a === b) continue;
    if (a === undefined) lines.push(`variable ${name} is now set: ${show(b)}`);
    else if (b === undefined) lines.push(`variable ${name} is no longer set (was ${show(a)})`);
    else lines.push(`variable ${name} changed: ${show(a)} → ${show(b)}`);
  }
  for (const key of new Set([...Object.keys(previous.inputs), ...Object.keys(current.inputs)])) {
    if (key === "env") continue; // reported through args
    const a = canonicalJson(previous.inputs[key] ?? null);
    const b = canonicalJson(current.inputs[key] ?? null);
    if (a !== b) lines.push(`${key} changed: ${a} → ${b}`);
  }
  const ps = previous.sources ?? {};
  const cs = current.sources ?? {};
  for (const name of new Set([...Object.keys(ps), ...Object.keys(cs)])) {
    if (ps[name] !== cs[name]) lines.push(`source ${name} changed: ${short(ps[name])} → ${short(cs[name])}`);
  }
  const before = new Map((previous.files ?? []).map((f) => [f.path, f]));
  const after = new Map((current.files ?? []).map((f) => [f.path, f]));
  for (const [path, f] of after) {
    const old = before.get(path);
    if (!old) {
      lines.push(`file ${path}: added`);
      continue;
    }
    if (old.type !== f.type) lines.push(`file ${path}: type changed ${old.type} → ${f.type}`);
    if (old.digest !== f.digest) lines.push(`file ${path}: content changed`);
    if (old.linkTarget !== f.linkTarget) lines.push(`file ${path}: link target changed ${show(old.linkTarget)} → ${show(f.linkTarget)}`);
    if (old.mode !== f.mode) lines.push(`file ${path}: mode changed ${octal(old.mode)} → ${octal(f.mode)}`);
    if (old.uid !== f.uid || old.gid !== f.gid) lines.push(`file ${path}: owner changed ${old.uid}:${old.gid} → ${f.uid}:${f.gid}`);
  }
  for (const path of before.keys()) if (!after.has(path)) lines.push(`file ${path}: removed`);
  return lines;
}
