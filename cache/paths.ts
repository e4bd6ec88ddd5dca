/**
 * Where things live under KILN_ROOT. The root is itself an OCI image layout (`oci-layout`,
 * `index.json`, `blobs/sha256/…`); everything else kiln keeps sits beside it in directories
 * reserved here, so no part of kiln invents a path of its own.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export interface StorePaths {
  readonly root: string;
  /** `{"imageLayoutVersion": "1.0.0"}` */
  readonly layoutFile: string;
  /** The layout's index: every named (and dangling) image. */
  readonly indexFile: string;
  /** `blobs/sha256/` */
  readonly blobs: string;
  /** Temp files (blobs being written, index.json being replaced): same filesystem as blobs/. */
  readonly tmp: string;
  /** Lock files and leases. */
  readonly locks: string;
  /** diffId → compressed blob mappings, one JSON file per compression. */
  readonly compression: string;
  /** Reserved for runtime/: unpacked layers keyed by chain id. */
  readonly snapshots: string;
  /** Reserved for builder/: step cache keys → results. */
  readonly cache: string;
  /** Reserved for builder/context: stat cache. */
  readonly statcache: string;
  /** Reserved for builder/: full step logs. */
  readonly logs: string;
}

export function storePaths(root: string): StorePaths {
  const r = resolve(root);
  return {
    root: r,
    layoutFile: join(r, "oci-layout"),
    indexFile: join(r, "index.json"),
    blobs: join(r, "blobs", "sha256"),
    tmp: join(r, "tmp"),
    locks: join(r, "locks"),
    compression: join(r, "compression"),
    snapshots: join(r, "snapshots"),
    cache: join(r, "cache"),
    statcache: join(r, "statcache"),
    logs: join(r, "logs"),
  };
}

/**
 * KILN_ROOT: `explicit` (the `--root` option) wins, then `$KILN_ROOT`; otherwise
 * `/var/lib/kiln` for root and `$XDG_DATA_HOME/kiln` (or `~/.local/share/kiln`) for others.
 */
export function defaultRoot(
  options: { explicit?: string | undefined; env?: NodeJS.ProcessEnv; uid?: number; home?: string; cwd?: string } = {},
): string {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.explicit !== undefined && options.explicit !== "") return resolve(cwd, options.explicit);
  const fromEnv = env["KILN_ROOT"];
  if (fromEnv !== undefined && fromEnv !== "") return resolve(cwd, fromEnv);
  const uid = options.uid ?? (typeof process.getuid === "function" ? process.getuid() : 1);
  if (uid === 0) return "/var/lib/kiln";
  const xdg = env["XDG_DATA_HOME"];
  if (xdg !== undefined && xdg !== "" && xdg.startsWith("/")) return join(xdg, "kiln");
  return join(options.home ?? env["HOME"] ?? homedir(), ".local", "share", "kiln");
}
