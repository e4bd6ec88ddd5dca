/** Opening the store for a command: `--root`, then KILN_ROOT, then the default (cache/paths.ts). */
import type { ImageStore } from "../cache/index.js";
import type { Io } from "./io.js";

export interface RootArgs {
  readonly root?: string | undefined;
}

/** Opens the store (loading cache/ lazily), runs `fn`, and closes it. */
export async function withStore<T>(args: RootArgs, io: Io, fn: (store: ImageStore) => Promise<T>): Promise<T> {
  const { openStore, defaultRoot } = await import("../cache/index.js");
  const store = await openStore(defaultRoot({ explicit: args.root, env: io.env, cwd: io.cwd }));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
