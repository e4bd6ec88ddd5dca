/** Helpers for the store tests: temp roots, store listings, small images built from tar entries. */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  createTar,
  emptyImage,
  appendLayer,
  layerFromBytes,
  setContainerConfig,
  type Image,
  type TarEntry,
} from "../../image/index.js";
import { collect } from "../image/helpers.js";

export function tempDir(prefix = "kiln-store-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Every file under the store with its size and sha256, sorted; `locks/` is left out (leases
 * and lock files of open stores come and go).
 */
export function listing(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const rel = relative(root, p);
      if (rel === "locks") continue;
      const st = statSync(p);
      if (st.isDirectory()) {
        out.push(`${rel}/`);
        walk(p);
      } else {
        out.push(`${rel} ${st.size} ${createHash("sha256").update(readFileSync(p)).digest("hex").slice(0, 16)}`);
      }
    }
  };
  walk(root);
  return out;
}

export async function tarBytes(entries: TarEntry[]): Promise<Buffer> {
  return collect(createTar(entries));
}

let counter = 0;

/** A linux/amd64 image with one layer per entry list (uncompressed OCI layers) and a CMD. */
export async function makeImage(layers: TarEntry[][], cmd: string[] = ["sh"]): Promise<Image> {
  let image = emptyImage({ os: "linux", architecture: "amd64" });
  for (const entries of layers) {
    image = await appendLayer(image, layerFromBytes(await tarBytes(entries)), { created_by: `layer ${counter++}`, created: "2024-01-02T03:04:05Z" });
  }
  return setContainerConfig(image, { Cmd: cmd, Env: ["PATH=/usr/bin:/bin"] });
}

export function file(path: string, text: string, mode = 0o644): TarEntry {
  return { type: "file", path, body: Buffer.from(text), mode };
}
