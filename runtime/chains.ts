/**
 * Snapshot chains without the snapshotter: OCI chain ids, and the chains already unpacked under
 * a snapshots root. Apart from snapshots.ts so a reader (the builder's views for COPY and
 * WORKDIR) need not load the runtime when every snapshot it needs is there.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Digest } from "../image/digest.js";

export type SnapshotterKind = "overlay" | "copy";

export interface Chain {
  readonly kind: SnapshotterKind;
  /** Chain ids, bottom first. */
  readonly chainIds: readonly Digest[];
  /** Snapshot `fs` directories, bottom first. */
  readonly dirs: readonly string[];
}

/** OCI chain ids: chain(L1) = diffId(L1); chain(Ln) = sha256(chain(Ln-1) + " " + diffId(Ln)). */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev === undefined ? d : (`sha256:${createHash("sha256").update(`${prev} ${d}`).digest("hex")}` as Digest));
  }
  return out;
}

/** The `fs` directory of a chain id's snapshot of `kind` under `root` (a snapshots root). */
export function snapshotDir(root: string, kind: SnapshotterKind, chainId: Digest): string {
  return join(root, kind, chainId.slice(chainId.indexOf(":") + 1), "fs");
}

/**
 * The chain of these layers when a snapshotter has already unpacked all of it under `root`
 * (overlay looked at first, then copy), else undefined. A snapshot is renamed into place only
 * when complete, so one that exists is whole; either kind shows the same files.
 */
export function existingChain(root: string, diffIds: readonly Digest[]): Chain | undefined {
  if (diffIds.length === 0) return undefined;
  const ids = chainIds(diffIds);
  for (const kind of ["overlay", "copy"] as const) {
    const dirs = ids.map((id) => snapshotDir(root, kind, id));
    if (dirs.every((d) => existsSync(d))) return { kind, chainIds: ids, dirs };
  }
  return undefined;
}
