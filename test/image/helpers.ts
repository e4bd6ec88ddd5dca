/** Small helpers for the image/ tests: read streams and tar archives back. */
import { Readable } from "node:stream";
import tarStream from "tar-stream";
import { KilnError } from "../../util/errors.js";

export async function collect(stream: Readable | AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export interface ReadEntry {
  header: tarStream.Header;
  body: Buffer;
}

/** Reads every entry of a tar archive with tar-stream's extractor (PAX path/linkpath applied). */
export async function readTar(archive: Uint8Array): Promise<ReadEntry[]> {
  const extract = tarStream.extract();
  const out: ReadEntry[] = [];
  const done = (async () => {
    for await (const entry of extract) {
      const body = await collect(entry as unknown as AsyncIterable<Uint8Array>);
      out.push({ header: entry.header, body });
    }
  })();
  extract.end(Buffer.from(archive));
  await done;
  return out;
}

/** Runs `fn` and returns the KilnError it throws (fails the test if it throws nothing or something else). */
export async function kilnError(fn: () => unknown): Promise<KilnError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof KilnError) return err;
    throw new Error(`expected a KilnError, got ${String(err)}`);
  }
  throw new Error("expected a KilnError, nothing was thrown");
}

export function streamOf(...parts: (string | Uint8Array)[]): Readable {
  return Readable.from(parts.map((p) => Buffer.from(p)), { objectMode: false });
}

/** A ustar header block (mode 0644, owner 0:0, mtime 0) for hand-made archives. */
export function ustarHeader(name: string, flag: string, size: number): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0);
  b.write("0000644\0", 100);
  b.write("0000000\0", 108);
  b.write("0000000\0", 116);
  b.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  b.write("00000000000\0", 136);
  b.write(flag, 156);
  b.write("ustar\x0000", 257);
  b.write("        ", 148);
  let sum = 0;
  for (const c of b) sum += c;
  b.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return b;
}

/** `body` padded to whole 512-byte blocks. */
export function padBlock(body: Buffer): Buffer {
  return Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

/** One PAX record, `len key=value\n`, with a binary value as is. */
export function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from("\n")]);
  let len = body.length + String(body.length).length;
  if (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}
