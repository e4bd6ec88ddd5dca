/**
 * Flattening: the filesystem an image's layers make when applied in order (what `kiln export`
 * writes), as one deterministic tar (image/tar.ts).
 *
 * Each layer is read once, in order. Whiteouts delete a path and everything under it; an opaque
 * marker hides what lower layers put in its directory; a non-directory replacing a directory
 * removes the directory's contents. File bodies are spooled to one temp file (`spoolFile`,
 * removed when the output ends) so the output can be written in sorted order without holding
 * them in memory. Hard links keep sharing their data: the paths of one inode that survive are
 * written as one file and links to it.
 */
import { createReadStream, unlinkSync } from "node:fs";
import { open, unlink, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { KilnError } from "../util/errors.js";
import { openUncompressed, type Layer } from "./layer.js";
import { readTar, safeMemberPath } from "./tar-read.js";
import { createTar, type TarEntry, type TarOptions } from "./tar.js";
import { parseWhiteout } from "./whiteout.js";

export interface FlattenOptions extends TarOptions {
  /** A path for the body spool (same filesystem as the store's tmp/ is best); created and removed here. */
  spoolFile: string;
}

interface Inode {
  offset: number;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
}

type Node =
  | { kind: "file"; layer: number; inode: Inode }
  | { kind: "directory" | "fifo"; layer: number; mode: number; uid: number; gid: number; mtime: Date }
  | { kind: "symlink"; layer: number; target: string; mode: number; uid: number; gid: number; mtime: Date }
  | { kind: "char" | "block"; layer: number; mode: number; uid: number; gid: number; mtime: Date; devmajor: number; devminor: number };

function removeTree(nodes: Map<string, Node>, path: string, belowLayer?: number, keepSelf = false): void {
  if (!keepSelf) nodes.delete(path);
  const prefix = path === "" ? "" : `${path}/`;
  for (const [p, n] of nodes) {
    if (p.startsWith(prefix) && p !== path && (belowLayer === undefined || n.layer < belowLayer)) nodes.delete(p);
  }
}

async function writeAll(fh: FileHandle, chunk: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < chunk.byteLength) off += (await fh.write(chunk, off, chunk.byteLength - off, position + off)).bytesWritten;
}

/**
 * A tar error in a layer whose blob does not verify is reported as the verification failure:
 * the blob is corrupt, the tar format is only where it showed.
 */
async function betterError(err: unknown, layers: readonly Layer[]): Promise<unknown> {
  if (!(err instanceof KilnError) || err.code !== "invalid-tar") return err;
  for (const layer of layers) {
    try {
      for await (const _ of await layer.open()) void _;
    } catch (verify) {
      if (verify instanceof KilnError) return verify;
    }
  }
  return err;
}

/** The flattened filesystem of `layers` (base first) as a tar stream. */
export async function flattenLayers(layers: readonly Layer[], options: FlattenOptions): Promise<Readable> {
  const nodes = new Map<string, Node>();
  const spool = await open(options.spoolFile, "wx+", 0o600);
  let spoolSize = 0;
  try {
    for (const [i, layer] of layers.entries()) {
      const what = `layer ${i + 1} (${layer.digest})`;
      for await (const { header, body } of readTar(await openUncompressed(layer), what)) {
        const path = safeMemberPath(header.name, what);
        if (path === undefined) {
          body.resume();
          continue;
        }
        const wh = parseWhiteout(path);
        if (wh) {
          body.resume();
          if (wh.kind === "whiteout") removeTree(nodes, wh.target);
          else if (wh.kind === "opaque") removeTree(nodes, wh.dir, i, true);
          continue;
        }
        const meta = { layer: i, mode: (header.mode ?? 0) & 0o7777, uid: header.uid ?? 0, gid: header.gid ?? 0, mtime: header.mtime ?? new Date(0) };
        const old = nodes.get(path);
        let node: Node;
        switch (header.type) {
          case "file":
          case "contiguous-file": {
            const start = spoolSize;
            for await (const chunk of body) {
              await writeAll(spool, chunk as Buffer, spoolSize);
              spoolSize += (chunk as Buffer).byteLength;
            }
            node = { kind: "file", layer: i, inode: { offset: start, size: spoolSize - start, mode: meta.mode, uid: meta.uid, gid: meta.gid, mtime: meta.mtime } };
            break;
          }
          case "link": {
            body.resume();
            const target = safeMemberPath(header.linkname ?? "", what);
            const to = target === undefined ? undefined : nodes.get(target);
            if (!to || to.kind !== "file") throw new KilnError("invalid-tar", `${what}: hard link ${path} points at ${JSON.stringify(header.linkname)}, which is not a file in the image`);
            node = { kind: "file", layer: i, inode: to.inode };
            break;
          }
          case "symlink":
            body.resume();
            node = { kind: "symlink", target: header.linkname ?? "", ...meta };
            break;
          case "directory":
            body.resume();
            node = { kind: "directory", ...meta };
            break;
          case "fifo":
            body.resume();
            node = { kind: "fifo", ...meta };
            break;
          case "character-device":
          case "block-device":
            body.resume();
            node = { kind: header.type === "block-device" ? "block" : "char", devmajor: header.devmajor ?? 0, devminor: header.devminor ?? 0, ...meta };
            break;
          default:
            body.resume();
            throw new KilnError("invalid-tar", `${what}: member ${path} has unsupported type ${JSON.stringify(header.type)}`);
        }
        if (old && old.kind === "directory" && node.kind !== "directory") removeTree(nodes, path);
        nodes.set(path, node);
      }
    }
  } catch (err) {
    await spool.close().catch(() => {});
    await unlink(options.spoolFile).catch(() => {});
    throw await betterError(err, layers);
  }
  await spool.sync();
  await spool.close();

  const entries: TarEntry[] = [];
  const firstPath = new Map<Inode, string>();
  for (const path of [...nodes.keys()].sort()) {
    const n = nodes.get(path)!;
    if (n.kind === "file") {
      const ino = n.inode;
      const owner = { mode: ino.mode, uid: ino.uid, gid: ino.gid, mtime: ino.mtime };
      const first = firstPath.get(ino);
      if (first !== undefined) {
        entries.push({ type: "hardlink", path, target: first, ...owner });
        continue;
      }
      firstPath.set(ino, path);
      entries.push({
        type: "file",
        path,
        size: ino.size,
        ...owner,
        ...(ino.size > 0 ? { body: () => createReadStream(options.spoolFile, { start: ino.offset, end: ino.offset + ino.size - 1 }) } : {}),
      });
    } else if (n.kind === "symlink") {
      entries.push({ type: "symlink", path, target: n.target, mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime });
    } else if (n.kind === "char" || n.kind === "block") {
      entries.push({ type: n.kind, path, devmajor: n.devmajor, devminor: n.devminor, mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime });
    } else {
      entries.push({ type: n.kind, path, mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime });
    }
  }
  let tar: Readable;
  try {
    tar = createTar(entries, options);
  } catch (err) {
    await unlink(options.spoolFile).catch(() => {});
    throw err;
  }
  // Synchronous, so the spool is gone by the time a reader sees the end of the stream.
  const cleanup = () => {
    try {
      unlinkSync(options.spoolFile);
    } catch {
      // already removed (end and close both fire)
    }
  };
  tar.once("close", cleanup);
  tar.once("end", cleanup);
  return tar;
}
