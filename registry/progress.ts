/** Progress events of pulls and pushes (what `kiln pull`/`kiln push` print), and a small pool. */
import type { Digest, Reference } from "../image/index.js";

export type LayerStatus =
  | "waiting"
  | "exists"
  | "downloading"
  | "verifying"
  | "downloaded"
  | "complete"
  | "preparing"
  | "compressing"
  | "pushing"
  | "pushed"
  | "mounted"
  | "retrying";

export type TransferEvent =
  /** Pull: the manifest is known (`tag: Pulling from repo`). Push: the repository (`The push refers to repository [...]`). */
  | { kind: "start"; ref: Reference }
  /** One blob (layer or config) changed state; `current`/`total` bytes while moving. */
  | { kind: "blob"; digest: Digest; role: "layer" | "config"; status: LayerStatus; current?: number; total?: number };

export type ProgressListener = (event: TransferEvent) => void;

/** Runs `work` over `items` with at most `limit` at once; the first failure wins (others finish). */
export async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await work(items[i]!, i);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.err;
  return results;
}
