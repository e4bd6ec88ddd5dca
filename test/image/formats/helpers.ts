/** Images, archives and tools for the image/formats tests. */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, type Readable } from "node:stream";
import { crc32, inflateRawSync } from "node:zlib";
import { newImage, type Image } from "../../../image/image.js";
import { layerFromBytes, type Layer } from "../../../image/layer.js";
import { MediaType } from "../../../image/media-types.js";
import { createTar, type TarEntry } from "../../../image/tar.js";
import type { ImageConfig } from "../../../image/types.js";
import { collect } from "../helpers.js";

export { collect };

export const BUSYBOX = "/bin/busybox";

export async function tarBytes(entries: TarEntry[]): Promise<Buffer> {
  return collect(createTar(entries));
}

export async function layerOf(entries: TarEntry[], mediaType: string = MediaType.OciLayer): Promise<Layer> {
  const tar = await tarBytes(entries);
  if (mediaType === MediaType.OciLayerGzip || mediaType === MediaType.DockerLayerGzip) {
    const { gzipSync } = await import("node:zlib");
    return layerFromBytes(gzipSync(tar), { mediaType });
  }
  return layerFromBytes(tar, { mediaType });
}

export function configOf(layers: Layer[], extra: Partial<ImageConfig> = {}): ImageConfig {
  return {
    architecture: "amd64",
    os: "linux",
    created: "2024-01-02T03:04:05Z",
    config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"] },
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({ created_by: `step ${i}` })),
    ...extra,
  };
}

/** A small two-layer image; `seed` changes the file contents. */
export async function smallImage(seed = "a", options: { mediaType?: string; format?: "oci" | "docker" } = {}): Promise<Image> {
  const base = await layerOf([
    { type: "directory", path: "etc" },
    { type: "file", path: "etc/hostname", body: Buffer.from(`host-${seed}\n`) },
    { type: "file", path: "etc/data.bin", body: randomBytes(100_000) },
  ], options.mediaType);
  const top = await layerOf([
    { type: "directory", path: "app" },
    { type: "file", path: "app/hello.txt", body: Buffer.from(`hello ${seed}\n`), mode: 0o600 },
    { type: "symlink", path: "app/link", target: "hello.txt" },
  ], options.mediaType);
  return newImage({ config: configOf([base, top]), layers: [base, top], format: options.format ?? "oci" });
}

/** The busybox test image: /bin/busybox, /bin/sh → busybox, Cmd sh -c "echo hello-from-kiln". */
export async function busyboxImage(mediaType: string = MediaType.OciLayer): Promise<Image> {
  const layer = await layerOf([
    { type: "directory", path: "bin" },
    { type: "file", path: "bin/busybox", body: readFileSync(BUSYBOX), mode: 0o755 },
    { type: "symlink", path: "bin/sh", target: "busybox" },
    { type: "directory", path: "tmp", mode: 0o1777 },
  ], mediaType);
  return newImage({
    config: configOf([layer], { config: { Env: ["PATH=/bin"], Cmd: ["/bin/sh", "-c", "echo hello-from-kiln"] } }),
    layers: [layer],
  });
}

export function tempDir(prefix = "kiln-formats-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** A Writable collecting what is written; `done` gives the bytes once it finishes. */
export function sink(): { stream: PassThrough; done: Promise<Buffer> } {
  const stream = new PassThrough();
  return { stream, done: collect(stream) };
}

export function hasTool(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
}

export function run(cmd: string, args: string[], options: { cwd?: string; timeout?: number } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: options.timeout ?? 120_000, cwd: options.cwd, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

export async function diffIdsOf(image: Image): Promise<string[]> {
  return (await image.layers()).map((l) => l.diffId);
}

export async function layerBytes(image: Image): Promise<Buffer[]> {
  const { openUncompressed } = await import("../../../image/layer.js");
  const out: Buffer[] = [];
  for (const l of await image.layers()) out.push(await collect(await openUncompressed(l)));
  return out;
}

export function streamOfBuffer(buf: Buffer): Readable {
  const p = new PassThrough();
  p.end(buf);
  return p;
}

/**
 * The gzip members of `gz`, each inflated on its own, with its CRC-32 and ISIZE checked
 * (headers without optional fields, as kiln's gzips write them). Throws on anything else.
 */
export function gzipMembers(gz: Buffer): Buffer[] {
  const members: Buffer[] = [];
  let offset = 0;
  while (offset < gz.length) {
    if (gz[offset] !== 0x1f || gz[offset + 1] !== 0x8b || gz[offset + 3] !== 0) throw new Error(`no plain gzip member at byte ${offset}`);
    const result = inflateRawSync(gz.subarray(offset + 10), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
    const end = offset + 10 + result.engine.bytesWritten + 8;
    if (gz.readUInt32LE(end - 8) !== crc32(result.buffer) >>> 0) throw new Error(`gzip member at byte ${offset}: wrong CRC-32`);
    if (gz.readUInt32LE(end - 4) !== result.buffer.length % 2 ** 32) throw new Error(`gzip member at byte ${offset}: wrong ISIZE`);
    members.push(result.buffer);
    offset = end;
  }
  return members;
}
