/** Helpers for the registry tests: stores, the busybox image, images of random layers, the CLI in-process. */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { openStore, type ImageStore } from "../../cache/index.js";
import {
  appendLayer,
  createTar,
  emptyImage,
  layerFromOpener,
  setContainerConfig,
  type Image,
  type Platform,
  type TarEntry,
} from "../../image/index.js";
import { main } from "../../bin/main.js";
import type { Io } from "../../bin/io.js";
import { collect } from "../image/helpers.js";
import { repoRoot } from "../helpers/paths.js";

export function tempDir(prefix: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let busyboxTar: Buffer | undefined;

/** The busybox rootfs tar from fixtures/images/make-busybox-rootfs.sh (made once per process). */
export function busyboxRootfs(): Buffer {
  if (busyboxTar) return busyboxTar;
  const t = tempDir("kiln-bb-");
  try {
    const out = join(t.dir, "busybox.tar");
    const r = spawnSync("sh", [join(repoRoot, "fixtures/images/make-busybox-rootfs.sh"), out], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`make-busybox-rootfs.sh failed: ${r.stderr}`);
    busyboxTar = readFileSync(out);
    return busyboxTar;
  } finally {
    t.cleanup();
  }
}

export const haveBusybox = existsSync("/bin/busybox");

/** Writes `image` with each layer tar stored (uncompressed) in `store`, named `names`. */
export async function storeLayers(store: ImageStore, tars: Buffer[], options: { platform?: Platform; cmd?: string[]; names?: string[] } = {}): Promise<Image> {
  let image = emptyImage(options.platform ?? { os: "linux", architecture: "amd64" });
  for (const [i, tar] of tars.entries()) {
    const blob = await store.putBlob(tar);
    const layer = await layerFromOpener(() => store.getBlob(blob.digest, { size: blob.size }), { digest: blob.digest, size: blob.size, diffId: blob.digest });
    image = await appendLayer(image, layer, { created_by: `layer ${i}`, created: "2024-01-01T00:00:00Z" });
  }
  image = await setContainerConfig(image, { Cmd: options.cmd ?? ["sh"], Env: ["PATH=/usr/bin:/bin"] });
  await store.writeImage(image, { names: options.names ?? [] });
  return image;
}

/** The busybox image in `store` under `names`. */
export async function busyboxImage(store: ImageStore, names: string[]): Promise<Image> {
  return storeLayers(store, [busyboxRootfs()], { names });
}

/** A tar with one file of `size` random (incompressible) bytes. */
export async function randomTar(name: string, size: number): Promise<Buffer> {
  const entries: TarEntry[] = [{ type: "file", path: name, body: randomBytes(size), mode: 0o644 }];
  return collect(createTar(entries));
}

export async function withStore<T>(root: string, fn: (store: ImageStore) => Promise<T>): Promise<T> {
  const store = await openStore(root);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Runs the CLI in-process (bin/main.ts) with a captured Io. */
export async function kiln(args: string[], options: { root?: string; input?: string; env?: Record<string, string>; cwd?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    stdin: Readable.from([Buffer.from(options.input ?? "")], { objectMode: false }),
    stdout: { write: (c: string | Uint8Array) => out.push(Buffer.from(c).toString("utf8")) },
    stderr: { write: (c: string) => err.push(c) },
    cwd: options.cwd ?? tmpdir(),
    env: { ...process.env, NO_COLOR: "1", KILN_DEBUG: "", ...(options.env ?? {}) },
  };
  const status = await main([...(options.root ? ["--root", options.root] : []), ...args], io);
  return { status, stdout: out.join(""), stderr: err.join("") };
}
