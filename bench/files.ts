/** Real files for the image and registry benchmarks' test images. */
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Regular files under `root` (no symlinks followed), sorted, until `limit` bytes. */
export function pickFiles(root: string, limit: number): { path: string; size: number; mode: number }[] {
  const out: { path: string; size: number; mode: number }[] = [];
  let total = 0;
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (total >= limit) return;
      const p = join(dir, name);
      let st;
      try {
        st = lstatSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) {
        out.push({ path: p, size: st.size, mode: st.mode & 0o7777 });
        total += st.size;
      }
    }
  };
  walk(root);
  return out;
}
