/** What a build takes, reports while it runs, and returns. */
import type { SourceRange } from "../../parser/range.js";
import type { ImageStore } from "../../cache/types.js";

export interface SecretSource {
  readonly id: string;
  /** A file on the host, or the value of an environment variable. */
  readonly src?: string;
  readonly env?: string;
}

export interface BuildOptions {
  readonly store: ImageStore;
  /** The build context directory (absolute). */
  readonly contextDir: string;
  /** The Dockerfile's text and how messages name it. */
  readonly dockerfileText: string;
  readonly dockerfileName: string;
  /** Where the Dockerfile lives (for `<Dockerfile>.dockerignore`); undefined for stdin. */
  readonly dockerfilePath?: string;
  readonly tags?: readonly string[];
  readonly target?: string;
  readonly buildArgs?: ReadonlyMap<string, string>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly noCache?: boolean;
  readonly noCacheFilter?: readonly string[];
  readonly secrets?: readonly SecretSource[];
  /** What `RUN` steps with the default network get: host (default) or none. */
  readonly network?: "default" | "none" | "host";
  /** Seconds (SOURCE_DATE_EPOCH): image and history times, clamped tar mtimes. */
  readonly sourceDateEpoch?: number;
  readonly snapshotter?: "overlay" | "copy" | "auto";
  readonly explainCache?: boolean;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: BuildEvent) => void;
  /** The host environment (secrets from env=, `--build-arg K`). */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Fetches images from their registry into the store (`FROM`, `COPY --from=IMAGE`): images
   * missing from the store, or every one once per build when `always` (`--pull`). Without it a
   * missing image is an error.
   */
  readonly pull?: { readonly always: boolean; fetch(ref: string): Promise<void> };
}

export interface BuildResult {
  /** Image ID: the config digest. */
  readonly id: string;
  /** Manifest digest. */
  readonly digest: string;
  readonly names: readonly string[];
  readonly steps: number;
  readonly cached: number;
  readonly logDir: string;
  /** Every step key the build used or made, in order, with its stage (for cache export). */
  readonly stepKeys: readonly { readonly key: string; readonly stage: number }[];
  /** The target stage and the stages it is built FROM (cache export `mode=min`). */
  readonly targetStages: readonly number[];
}

/** Progress events: one step is one instruction of a stage (FROM included). */
export type BuildEvent =
  | { readonly type: "step-start"; readonly id: number; readonly stage: string; readonly index: number; readonly total: number; readonly text: string; readonly time: number }
  | { readonly type: "step-cached"; readonly id: number; readonly time: number }
  | { readonly type: "step-log"; readonly id: number; readonly stream: "stdout" | "stderr"; readonly data: string }
  | { readonly type: "step-done"; readonly id: number; readonly time: number; readonly ms: number; readonly layer: boolean }
  | { readonly type: "step-error"; readonly id: number; readonly time: number; readonly ms: number; readonly message: string }
  | { readonly type: "explain"; readonly id: number; readonly lines: readonly string[] }
  | { readonly type: "message"; readonly text: string };

/** Why a step failed, with where in the Dockerfile and the end of its output. */
export interface StepFailure {
  readonly range?: SourceRange;
  readonly exitCode?: number;
  readonly logTail?: readonly string[];
  readonly logFile?: string;
}
