/**
 * What a handler asks the executor to do. Handlers are pure: the new image config is in the
 * returned state; effects carry everything the executor needs to change the filesystem (run,
 * copy, mkdir) or to record a history entry (config). Each effect has the history entry BuildKit
 * writes for the step (`created_by`, whether it makes a layer).
 */
import type { SourceRange } from "../parser/range.js";
import type { Platform } from "../image/types.js";

/** The history comment BuildKit's Dockerfile frontend writes on every entry. */
export const HISTORY_COMMENT = "buildkit.dockerfile.v0";

export interface HistoryEntry {
  /** `created_by`, e.g. `RUN /bin/sh -c make # buildkit`, `ENV A=1`, `COPY app/ /app/ # buildkit`. */
  readonly createdBy: string;
  /** True when the step makes no layer (history `empty_layer`). */
  readonly emptyLayer: boolean;
  readonly comment: typeof HISTORY_COMMENT;
}

/** Where files come from: the build context, an earlier stage (by index), or an image. */
export type SourceRef =
  | { readonly kind: "context" }
  | { readonly kind: "stage"; readonly index: number; readonly name: string | null }
  | { readonly kind: "image"; readonly ref: string }
  | { readonly kind: "scratch" };

interface EffectBase {
  /** The instruction (for a trigger: the FROM line that ran it). */
  readonly range: SourceRange;
  readonly history: HistoryEntry;
}

/** `--mount` of a RUN, values expanded, targets absolute, BuildKit's defaults filled in. */
export type RunMount =
  | { readonly type: "bind"; readonly target: string; readonly from: SourceRef; readonly source: string; readonly readonly: boolean }
  | {
      readonly type: "cache";
      readonly target: string;
      /** Cache id: `id=`, else the target as written. */
      readonly id: string;
      readonly sharing: "shared" | "private" | "locked";
      /** Initial contents (`from=`), null for an empty cache. */
      readonly from: SourceRef | null;
      readonly source: string;
      readonly readonly: boolean;
      readonly mode: number;
      readonly uid: number;
      readonly gid: number;
    }
  | { readonly type: "tmpfs"; readonly target: string; readonly size: number | null }
  | {
      readonly type: "secret";
      readonly id: string;
      /** File path, or null when only `env=` was given. */
      readonly target: string | null;
      readonly env: string | null;
      readonly required: boolean;
      readonly mode: number;
      readonly uid: number;
      readonly gid: number;
    }
  | { readonly type: "ssh"; readonly id: string; readonly target: string; readonly required: boolean; readonly mode: number; readonly uid: number; readonly gid: number };

/** A file BuildKit mounts read-only for a RUN (a heredoc script with a `#!` line). */
export interface InlineFile {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/** Run a process in the stage's rootfs and keep its changes as a layer. */
export interface RunEffect extends EffectBase {
  readonly kind: "run";
  /** The process argv: exec form as written, shell form wrapped with the stage's SHELL. */
  readonly argv: readonly string[];
  /** The process environment `K=V`: the build env (config Env + ARGs + ENV) and the proxy ARGs. */
  readonly env: readonly string[];
  /** The environment that counts for caching: `env` without the proxy ARGs. */
  readonly cacheEnv: readonly string[];
  /** USER as text (`name`, `uid`, `name:group`…), "" for root; the executor resolves it in the rootfs. */
  readonly user: string;
  readonly workdir: string;
  readonly network: "default" | "none" | "host";
  readonly security: "sandbox" | "insecure";
  readonly mounts: readonly RunMount[];
  /** Read-only files to provide (heredoc scripts), e.g. `/dev/pipes/EOF`. */
  readonly files: readonly InlineFile[];
  readonly platform: Platform;
}

/** A COPY/ADD source. */
export type CopySource =
  /** A path or wildcard pattern in the source (context, stage or image), expanded, as written. */
  | { readonly kind: "path"; readonly path: string }
  /** ADD of an http(s) URL, saved as `filename` (the URL's last path element or `__unnamed__`). */
  | { readonly kind: "url"; readonly url: string; readonly filename: string; readonly unpack: boolean }
  /** ADD of a git repository. */
  | { readonly kind: "git"; readonly url: string }
  /** A heredoc file (`COPY <<EOF /dest`), mode 0644 unless --chmod. */
  | { readonly kind: "heredoc"; readonly name: string; readonly content: string };

export type Chmod = { readonly kind: "octal"; readonly mode: number } | { readonly kind: "symbolic"; readonly text: string };

/** COPY or ADD files into the stage's rootfs (one layer). */
export interface CopyEffect extends EffectBase {
  readonly kind: "copy";
  readonly instruction: "COPY" | "ADD";
  readonly from: SourceRef;
  readonly sources: readonly CopySource[];
  /**
   * Absolute destination: an absolute path as written (cleaned), or joined to WORKDIR. A
   * trailing `/` is kept: it means "into this directory".
   */
  readonly destination: string;
  /** `--chown` user spec, expanded, or null (files then belong to root: 0:0). */
  readonly chown: string | null;
  readonly chmod: Chmod | null;
  readonly link: boolean;
  readonly parents: boolean;
  readonly exclude: readonly string[];
  /** Extract local tar archives (ADD unless --unpack=false; URL sources carry their own flag). */
  readonly unpack: boolean;
  /** ADD --checksum (a digest for URLs, a commit for git). */
  readonly checksum: string | null;
  readonly keepGitDir: boolean;
}

/** WORKDIR: create the directory (mode 0755, parents too), owned by the current USER. */
export interface MkdirEffect extends EffectBase {
  readonly kind: "mkdir";
  readonly path: string;
  /** The USER at that point ("" for root); the executor resolves it in the rootfs. */
  readonly user: string;
  readonly mode: number;
}

/** A step that only changes the image config (the state has the new config): a history entry. */
export interface ConfigEffect extends EffectBase {
  readonly kind: "config";
  readonly instruction: string;
}

export type Effect = RunEffect | CopyEffect | MkdirEffect | ConfigEffect;

export function history(createdBy: string, layer: boolean): HistoryEntry {
  return { createdBy, emptyLayer: !layer, comment: HISTORY_COMMENT };
}
