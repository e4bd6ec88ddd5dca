/**
 * ADD's extra sources: local tar archives (plain, gzip, bzip2, xz — told by content) extracted
 * into a private temp directory with their headers' metadata, and http(s) URLs downloaded
 * (Last-Modified → mtime, `--checksum` verified).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createReadStream, createWriteStream, mkdirSync, openSync, readSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { PassThrough, type Readable } from "node:stream";
import * as zlib from "node:zlib";
import tarStream from "tar-stream";
import { archivePathComponents } from "../../runtime/resolve.js";
import { KilnError } from "../../util/errors.js";

export type ArchiveKind = "tar" | "gzip" | "bzip2" | "xz";

/** What the first bytes of a file say it is: a (compressed) archive or not. Compressed streams are assumed to hold a tar. */
export function archiveKind(path: string): ArchiveKind | null {
  const fd = openSync(path, "r");
  const head = Buffer.alloc(512);
  let n: number;
  try {
    n = readSync(fd, head, 0, 512, 0);
  } finally {
    closeSync(fd);
  }
  if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (n >= 3 && head.subarray(0, 3).toString("latin1") === "BZh") return "bzip2";
  if (n >= 6 && head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return "xz";
  if (n >= 262 && head.subarray(257, 262).toString("latin1") === "ustar") return "tar";
  return null;
}

function viaBinary(name: string, source: Readable): Readable {
  const child = spawn(name, ["-dc"], { stdio: ["pipe", "pipe", "pipe"] });
  const out = new PassThrough();
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  child.on("error", (e: NodeJS.ErrnoException) =>
    out.destroy(e.code === "ENOENT" ? new KilnError("unsupported-compression", `ADD: extracting a ${name} archive needs the ${name} program, which is not installed`) : e),
  );
  child.on("close", (code) => {
    if (code !== 0 && code !== null) out.destroy(new KilnError("archive-corrupt", `ADD: ${name} -dc failed: ${err.trim()}`));
  });
  source.pipe(child.stdin);
  child.stdin.on("error", () => {});
  child.stdout.pipe(out);
  return out;
}

function decompressed(path: string, kind: ArchiveKind): Readable {
  const raw = createReadStream(path);
  switch (kind) {
    case "tar":
      return raw;
    case "gzip":
      return raw.pipe(zlib.createGunzip());
    case "bzip2":
      return viaBinary("bzip2", raw);
    case "xz":
      return viaBinary("xz", raw);
  }
}

/** One extracted entry, with the archive's metadata (the disk copy only holds the bytes). */
export interface ExtractedEntry {
  readonly rel: string;
  readonly type: "file" | "dir" | "symlink";
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly mtime: Date;
  readonly host: string;
  readonly size: number;
  readonly linkTarget?: string;
}

/** Extracts a tar archive into `dir` (paths checked: no `..`), returning its entries in archive order. */
export async function extractArchive(path: string, kind: ArchiveKind, dir: string): Promise<ExtractedEntry[]> {
  mkdirSync(dir, { recursive: true });
  const entries = new Map<string, ExtractedEntry>();
  const extract = tarStream.extract();
  let counter = 0;
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const run = async () => {
        const parts = archivePathComponents(header.name);
        if (parts.length === 0) {
          stream.resume();
          return;
        }
        const rel = parts.join("/");
        const common = { rel, mode: (header.mode ?? 0o644) & 0o7777, uid: header.uid ?? 0, gid: header.gid ?? 0, mtime: header.mtime ?? new Date(0) };
        if (header.type === "directory") {
          entries.set(rel, { ...common, type: "dir", host: dir, size: 0 });
          stream.resume();
        } else if (header.type === "symlink") {
          const host = join(dir, `l${counter++}`);
          symlinkSync(header.linkname ?? "", host);
          entries.set(rel, { ...common, type: "symlink", host, size: 0, linkTarget: header.linkname ?? "" });
          stream.resume();
        } else if (header.type === "file" || header.type === "contiguous-file") {
          const host = join(dir, `f${counter++}`);
          await pipeline(stream, createWriteStream(host));
          entries.set(rel, { ...common, type: "file", host, size: header.size ?? 0 });
        } else if (header.type === "link") {
          const target = entries.get(archivePathComponents(header.linkname ?? "").join("/"));
          if (target && target.type === "file") entries.set(rel, { ...common, type: "file", host: target.host, size: target.size });
          stream.resume();
        } else {
          stream.resume(); // devices, fifos: not carried by ADD
        }
      };
      run().then(() => next(), (e: unknown) => {
        stream.resume();
        reject(e);
      });
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  const source = decompressed(path, kind);
  source.on("error", (e) => extract.destroy(e));
  source.pipe(extract);
  await done;
  return [...entries.values()];
}

export interface Download {
  readonly host: string;
  readonly size: number;
  readonly digest: string;
  readonly mtime: Date;
}

/** Downloads an http(s) URL into `path`, checking `checksum` (`sha256:…`) when given. */
export async function download(url: string, path: string, checksum: string | null, signal?: AbortSignal): Promise<Download> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: "follow", ...(signal ? { signal } : {}) });
  } catch (e) {
    throw new KilnError("download-failed", `ADD ${url}: ${(e as Error).message}`, { cause: e });
  }
  if (!response.ok || !response.body) throw new KilnError("download-failed", `ADD ${url}: HTTP ${response.status} ${response.statusText}`);
  const hash = createHash("sha256");
  let size = 0;
  const out = createWriteStream(path, { mode: 0o600 });
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    hash.update(value);
    size += value.byteLength;
    if (!out.write(value)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  const digest = `sha256:${hash.digest("hex")}`;
  if (checksum !== null && checksum !== digest) {
    throw new KilnError("checksum-mismatch", `ADD ${url}: checksum mismatch: expected ${checksum}, got ${digest}`);
  }
  const lm = response.headers.get("last-modified");
  const mtime = lm ? new Date(lm) : new Date(0);
  return { host: path, size, digest, mtime: Number.isNaN(mtime.getTime()) ? new Date(0) : mtime };
}

/** Writes bytes to a file (heredoc sources). */
export function writeBytes(path: string, content: string): void {
  writeFileSync(path, content);
}
