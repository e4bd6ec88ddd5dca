/**
 * An overlay snapshot's `meta.json` (beside its \`fs\` dir): what unpacking learnt that overlayfs
 * keeps in xattrs. Apart from snapshots.ts so readers of snapshots (the builder's views) need
 * not load the unpacker.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface OverlayMeta {
  /** In-layer paths of opaque directories ("" for the root). */
  opaque: string[];
}

/** The opaque directories (in-layer paths) of an overlay snapshot's `fs` dir (empty for others). */
export function overlayOpaque(fsDir: string): Set<string> {
  try {
    const meta = JSON.parse(readFileSync(join(fsDir, "..", "meta.json"), "utf8")) as OverlayMeta;
    return new Set(meta.opaque);
  } catch {
    return new Set();
  }
}
