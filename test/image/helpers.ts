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
