/**
 * WORKDIR's `mkdir -p`: the missing components of the path (resolved inside the rootfs through
 * the view) are created with the effect's mode, owned by the USER of that point (resolved in the
 * rootfs's /etc/passwd; root when unset). Existing parents are written with their metadata. No
 * missing component: no layer.
 */
import type { TarEntry } from "../../image/tar.js";
import type { MkdirEffect } from "../effects.js";
import { resolveInView, resolveOwner, type RootView } from "./view.js";

export function mkdirEntries(effect: MkdirEffect, view: RootView, now: Date): TarEntry[] {
  const path = resolveInView(view, effect.path, true);
  if (path === "") return [];
  const parts = path.split("/");
  let owner: { uid: number; gid: number } | null = null;
  const ownerOf = () => (owner ??= effect.user === "" ? { uid: 0, gid: 0 } : resolveOwner(view, effect.user));
  const entries: TarEntry[] = [];
  let created = false;
  for (let i = 1; i <= parts.length; i++) {
    const p = parts.slice(0, i).join("/");
    const e = view.lstat(p);
    if (e && e.st.isDirectory()) {
      entries.push({ type: "directory", path: p, mode: e.st.mode & 0o7777, uid: e.st.uid, gid: e.st.gid, mtime: e.st.mtime });
    } else {
      const o = ownerOf();
      entries.push({ type: "directory", path: p, mode: effect.mode, uid: o.uid, gid: o.gid, mtime: now });
      created = true;
    }
  }
  return created ? entries : [];
}
