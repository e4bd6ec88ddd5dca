/**
 * Content digests as the OCI image spec writes them: `<algorithm>:<lower-case hex>`.
 * kiln hashes with sha256; sha512 digests are accepted where others wrote them (references,
 * descriptors) and verified with the same helpers.
 */
import { createHash, type Hash } from "node:crypto";
import { Transform, type Readable, type TransformCallback } from "node:stream";
import { KilnError } from "../util/errors.js";

export type DigestAlgorithm = "sha256" | "sha512";

/** A validated digest string such as `sha256:e3b0c442…`. */
export type Digest = `${DigestAlgorithm}:${string}`;

/** A digest and the number of bytes it covers: what a descriptor needs of a blob. */
export interface DigestAndSize {
  readonly digest: Digest;
  readonly size: number;
}

const HEX_LENGTH: Record<DigestAlgorithm, number> = { sha256: 64, sha512: 128 };
// OCI descriptor grammar: algorithm-component (separator component)* ":" encoded
const ALGORITHM = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/;
const ENCODED = /^[a-zA-Z0-9=_-]+$/;
const LOWER_HEX = /^[a-f0-9]+$/;

/** sha256 of zero bytes. */
export const EMPTY_SHA256: Digest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function invalid(value: string, why: string): KilnError {
  return new KilnError("invalid-digest", `invalid digest ${JSON.stringify(value)}: ${why}`);
}

/** Checks `value` and returns it typed as a Digest; throws KilnError `invalid-digest` saying what is wrong. */
export function parseDigest(value: string): Digest {
  if (typeof value !== "string" || value === "") throw invalid(String(value), "the digest is empty");
  const colon = value.indexOf(":");
  if (colon < 0) throw invalid(value, 'expected "<algorithm>:<hex>", e.g. "sha256:…", but there is no ":"');
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  if (!ALGORITHM.test(algorithm)) throw invalid(value, `${JSON.stringify(algorithm)} is not a valid algorithm name`);
  if (!ENCODED.test(encoded)) throw invalid(value, "the encoded part is empty or has characters other than letters, digits, '=', '_' and '-'");
  if (!Object.hasOwn(HEX_LENGTH, algorithm)) throw invalid(value, `unsupported algorithm ${JSON.stringify(algorithm)} (supported: sha256, sha512)`);
  const want = HEX_LENGTH[algorithm as DigestAlgorithm];
  if (!LOWER_HEX.test(encoded)) {
    const hint = /^[a-fA-F0-9]+$/.test(encoded) ? " (upper-case hex is not allowed)" : "";
    throw invalid(value, `${algorithm} needs ${want} lower-case hex characters${hint}`);
  }
  if (encoded.length !== want) throw invalid(value, `${algorithm} needs ${want} hex characters, got ${encoded.length}`);
  return value as Digest;
}

/** True when `value` is a valid digest (same rules as parseDigest, without throwing). */
export function isDigest(value: unknown): value is Digest {
  if (typeof value !== "string") return false;
  try {
    parseDigest(value);
    return true;
  } catch {
    return false;
  }
}

export function digestAlgorithm(digest: Digest): DigestAlgorithm {
  return digest.slice(0, digest.indexOf(":")) as DigestAlgorithm;
}

/** The hex part of a digest: the blob's file name under `blobs/<algorithm>/`. */
export function digestHex(digest: Digest): string {
  return digest.slice(digest.indexOf(":") + 1);
}

/** Hashes bytes in memory (small blobs: configs, manifests). Strings are hashed as UTF-8. */
export function digestOf(data: Uint8Array | string, algorithm: DigestAlgorithm = "sha256"): Digest {
  return `${algorithm}:${createHash(algorithm).update(data).digest("hex")}`;
}

/** Incremental hasher that also counts bytes. */
export class DigestHasher {
  readonly algorithm: DigestAlgorithm;
  private readonly hash: Hash;
  private bytes = 0;
  private result: Digest | undefined;

  constructor(algorithm: DigestAlgorithm = "sha256") {
    this.algorithm = algorithm;
    this.hash = createHash(algorithm);
  }

  update(chunk: Uint8Array): this {
    if (this.result !== undefined) throw new Error("DigestHasher: update after digest()");
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
    return this;
  }

  /** Bytes seen so far. */
  get size(): number {
    return this.bytes;
  }

  /** Finishes the hash; later calls return the same digest. */
  digest(): Digest {
    this.result ??= `${this.algorithm}:${this.hash.digest("hex")}`;
    return this.result;
  }
}

export interface DigestTransformOptions {
  algorithm?: DigestAlgorithm;
  /**
   * When given, the stream fails at its end with KilnError `digest-mismatch` unless the bytes
   * that passed match (principle 7: reads verify). `what` names the content in the message.
   */
  expect?: { digest: Digest; size?: number; what?: string };
}

/**
 * A pass-through stream that hashes and counts what flows through it. `result` settles when the
 * stream ends (rejects if it fails); `digest` and `size` are readable after that.
 */
export class DigestTransform extends Transform {
  readonly result: Promise<DigestAndSize>;
  private readonly hasher: DigestHasher;
  private readonly expect: DigestTransformOptions["expect"];
  private settle!: { resolve(v: DigestAndSize): void; reject(e: unknown): void };
  private final: DigestAndSize | undefined;

  constructor(options: DigestTransformOptions = {}) {
    super();
    this.expect = options.expect;
    this.hasher = new DigestHasher(options.algorithm ?? (options.expect ? digestAlgorithm(options.expect.digest) : "sha256"));
    this.result = new Promise<DigestAndSize>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.result.catch(() => {}); // the error also reaches stream consumers; don't crash on an unobserved promise
    this.once("error", (err) => this.settle.reject(err));
    this.once("close", () => {
      if (!this.final) this.settle.reject(new Error("DigestTransform: closed before the end of the stream"));
    });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hasher.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const got: DigestAndSize = { digest: this.hasher.digest(), size: this.hasher.size };
    const want = this.expect;
    if (want) {
      const what = want.what ?? "content";
      if (want.size !== undefined && want.size !== got.size) {
        callback(new KilnError("digest-mismatch", `${what}: expected ${want.size} bytes (${want.digest}), got ${got.size} bytes`));
        return;
      }
      if (want.digest !== got.digest) {
        callback(new KilnError("digest-mismatch", `${what}: expected ${want.digest}, got ${got.digest}`));
        return;
      }
    }
    this.final = got;
    this.settle.resolve(got);
    callback();
  }

  /** The digest of everything that passed; throws before the stream has ended. */
  get digest(): Digest {
    if (!this.final) throw new Error("DigestTransform: digest read before the stream ended");
    return this.final.digest;
  }

  get size(): number {
    if (!this.final) throw new Error("DigestTransform: size read before the stream ended");
    return this.final.size;
  }
}

/** Reads a stream to its end and returns its digest and size. */
export async function digestStream(stream: Readable | AsyncIterable<Uint8Array>, algorithm: DigestAlgorithm = "sha256"): Promise<DigestAndSize> {
  const hasher = new DigestHasher(algorithm);
  for await (const chunk of stream) hasher.update(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return { digest: hasher.digest(), size: hasher.size };
}
