/** What the effect appliers share during one build. */
import type { ImageStore } from "../../cache/types.js";
import type { IgnoreMatcher } from "../../parser/dockerignore.js";
import type { SourceRef } from "../effects.js";
import type { StatCache, StepCache } from "./cache.js";
import type { RootView } from "./view.js";
import type { SecretSource } from "./types.js";

export interface ExecEnv {
  readonly store: ImageStore;
  readonly contextDir: string;
  readonly stepCache: StepCache;
  /** A private temp directory for this build (removed at the end). */
  readonly tmpDir: string;
  readonly snapshotsDir: string;
  /** SOURCE_DATE_EPOCH in seconds. */
  readonly epoch: number | undefined;
  /** The time entries made now get (the epoch when SOURCE_DATE_EPOCH is set). */
  readonly now: Date;
  readonly secrets: ReadonlyMap<string, SecretSource>;
  readonly hostEnv: NodeJS.ProcessEnv;
  readonly defaultNetwork: "none" | "host";
  readonly signal: AbortSignal | undefined;
  ignore(): Promise<IgnoreMatcher>;
  statCache(): StatCache;
  /** The cache key of a stage's result, or the manifest digest of an image. */
  sourceKey(ref: SourceRef): Promise<string>;
  /** A read-only view of a stage's or image's root filesystem. */
  sourceView(ref: SourceRef): Promise<RootView>;
}
