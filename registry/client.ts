/**
 * The OCI distribution API (https://github.com/opencontainers/distribution-spec): `/v2/` ping,
 * manifests and blobs (GET/HEAD/PUT), monolithic, streamed and chunked uploads, cross-repository
 * mounts. Every request is authorised for the scopes it needs (pull, or pull+push) and refreshed
 * once on a 401. Downloads resume with `Range` after a dropped connection; every byte returned
 * is checked by the caller against its digest (the store's `putBlob` with `expected`).
 */
import { pipeline, Transform, type Readable, type TransformCallback } from "node:stream";
import {
  ACCEPTED_MANIFEST_MEDIA_TYPES,
  classifyMediaType,
  digestAlgorithm,
  digestOf,
  isSchema1MediaType,
  normalizeMediaType,
  parseDigest,
  refuseSchema1,
  type Digest,
  type Reference,
} from "../image/index.js";
import { KilnError } from "../util/errors.js";
import { basicHeader, parseChallenge, repositoryScope, TokenCache, type Action, type Challenge } from "./auth.js";
import { bodyChunks } from "./body-chunks.js";
import { lookupCredentials, type Credentials } from "./credentials.js";
import { displayUrl, redact } from "./redact.js";
import { sleep, Transport, type RequestOptions, type Response, type TransportOptions } from "./transport.js";

export interface ClientOptions extends TransportOptions {
  /** Where credentials come from (default: the Docker config, `lookupCredentials`). */
  credentials?: (host: string) => Promise<Credentials | undefined>;
  /** Path of the Docker config.json to read credentials from (default: $DOCKER_CONFIG or ~/.docker). */
  dockerConfig?: string;
  /** Upload in PATCH chunks of this many bytes (default: one streamed PATCH per blob). */
  chunkSize?: number;
}

/** A manifest or index as fetched: its exact bytes, verified against `digest`. */
export interface FetchedManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
  readonly digest: Digest;
}

export interface BlobRef {
  readonly digest: Digest;
  readonly size?: number;
}

export type UploadResult = "exists" | "mounted" | "uploaded";

/** Blobs at most this size go up in one POST+PUT. */
const MONOLITHIC_MAX = 1024 * 1024;

function refString(ref: Reference): string {
  return ref.familiarName();
}

/** The tag or digest a manifest URL names. */
function manifestReference(ref: Reference): string {
  return ref.digest ?? ref.tag ?? "latest";
}

interface RegistryErrorBody {
  errors?: { code?: string; message?: string; detail?: unknown }[];
}

/** Maps an HTTP error answer to a KilnError naming what was asked (body read, secrets redacted). */
export async function httpError(res: Response, what: string, host: string): Promise<KilnError> {
  let detail = "";
  if (res.status !== 0 && res.body.readable && !res.body.readableEnded) {
    try {
      const text = (await res.bytes(64 * 1024)).toString("utf8");
      try {
        const doc = JSON.parse(text) as RegistryErrorBody;
        detail = (doc.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(": ")).join("; ");
      } catch {
        detail = text.trim().slice(0, 200);
      }
    } catch {
      // body unreadable: status alone
    }
  }
  detail = redact(detail);
  const suffix = detail ? ` (${detail})` : "";
  const challenge = res.status === 401 ? parseChallenge(res.headers["www-authenticate"]) : undefined;
  if (challenge?.error === "insufficient_scope" && res.authenticated) {
    // the credentials were accepted, but do not grant this action (a read-only user pushing)
    return new KilnError("registry-denied", `${what}: access denied: the registry did not grant ${challenge.scope ? challenge.scope.split(" ").map(canonicalScope).join(" ") : "the needed scope"} to these credentials (insufficient_scope)${suffix}`);
  }
  switch (res.status) {
    case 401:
      return new KilnError("registry-unauthorized", `${what}: unauthorized: authentication required or incorrect username or password${suffix}; try kiln login ${host}`);
    case 403:
      return new KilnError("registry-denied", `${what}: access denied${suffix}`);
    case 404:
      return new KilnError("not-found", `${what}: not found${suffix}`);
    case 429:
      return new KilnError("registry-rate-limited", `${what}: too many requests (HTTP 429), gave up after retrying${suffix}`);
    default:
      return new KilnError("registry-error", `${what}: HTTP ${res.status} from ${displayUrl(res.url)}${suffix}`);
  }
}

/** Counts bytes going through, for progress. */
class Counter extends Transform {
  constructor(private readonly onBytes: (n: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.onBytes(chunk.byteLength);
    cb(null, chunk);
  }
}

export class RegistryClient {
  readonly transport: Transport;
  private readonly pings = new Map<string, Promise<Challenge>>();
  private readonly creds = new Map<string, Promise<Credentials | undefined>>();
  private readonly tokens: TokenCache;
  private readonly credentialSource: (host: string) => Promise<Credentials | undefined>;
  private readonly chunkSize: number | undefined;

  constructor(options: ClientOptions = {}) {
    this.transport = new Transport(options);
    this.tokens = new TokenCache(this.transport);
    const env = options.env ?? process.env;
    this.credentialSource =
      options.credentials ?? ((host) => lookupCredentials(host, { env, ...(options.dockerConfig ? { configPath: options.dockerConfig } : {}) }));
    this.chunkSize = options.chunkSize;
  }

  close(): void {
    this.transport.close();
  }

  private credentialsFor(host: string): Promise<Credentials | undefined> {
    let c = this.creds.get(host);
    if (!c) {
      c = this.credentialSource(host);
      this.creds.set(host, c);
    }
    return c;
  }

  /** `GET /v2/`: the challenge the registry answers with (`none` when it lets us in). */
  ping(host: string): Promise<Challenge> {
    let p = this.pings.get(host);
    if (!p) {
      p = this.doPing(host);
      this.pings.set(host, p);
      p.catch(() => this.pings.delete(host));
    }
    return p;
  }

  private async doPing(host: string): Promise<Challenge> {
    const url = new URL("v2/", await this.transport.baseUrl(host));
    const res = await this.transport.request({ method: "GET", url, what: `registry ${host}` });
    if (res.status === 200) {
      res.drain();
      return { scheme: "none" };
    }
    if (res.status === 401) {
      res.drain();
      return parseChallenge(res.headers["www-authenticate"]);
    }
    throw await httpError(res, `registry ${host} (GET /v2/)`, host);
  }

  /**
   * Checks credentials against a registry (what `kiln login` does before saving them): Basic
   * is tried on /v2/, Bearer fetches a token with them. Throws `registry-unauthorized` when refused.
   */
  async checkCredentials(host: string, creds: Credentials): Promise<void> {
    const challenge = await this.ping(host);
    const url = new URL("v2/", await this.transport.baseUrl(host));
    let authorization: string;
    if (challenge.scheme === "none") return;
    if (challenge.scheme === "basic") authorization = basicHeader(creds);
    else authorization = `Bearer ${await this.tokens.token(host, challenge, [], creds)}`;
    const res = await this.transport.request({ method: "GET", url, headers: { Authorization: authorization }, what: `login to ${host}` });
    res.drain();
    if (res.status === 200) return;
    if (res.status === 401 || res.status === 403) throw new KilnError("registry-unauthorized", `login to ${host}: unauthorized: incorrect username or password`);
    throw await httpError(res, `login to ${host}`, host);
  }

  private async authorization(host: string, scopes: readonly string[], challenge: Challenge): Promise<string | undefined> {
    if (challenge.scheme === "none") return undefined;
    const creds = await this.credentialsFor(host);
    if (challenge.scheme === "basic") return creds ? basicHeader(creds) : undefined;
    return `Bearer ${await this.tokens.token(host, challenge, scopes, creds)}`;
  }

  /**
   * A request to `host` authorised for `scopes`. On a 401 the token is dropped and fetched again
   * once (for the scope the new challenge names, if any).
   */
  async send(host: string, scopes: readonly string[], options: Omit<RequestOptions, "url"> & { url: URL | string }): Promise<Response> {
    const url = typeof options.url === "string" ? new URL(options.url, await this.transport.baseUrl(host)) : options.url;
    let challenge = await this.ping(host);
    let scopeList = [...scopes];
    for (let attempt = 0; ; attempt++) {
      const authorization = await this.authorization(host, scopeList, challenge);
      const headers = { ...(options.headers ?? {}), ...(authorization ? { Authorization: authorization } : {}) };
      const res = await this.transport.request({ ...options, url, headers });
      res.authenticated = authorization !== undefined && (await this.credentialsFor(host)) !== undefined;
      if (res.status !== 401 || attempt > 0) return res;
      const fresh = parseChallenge(res.headers["www-authenticate"]);
      if (fresh.scheme === "none" && challenge.scheme !== "none") return res;
      res.drain();
      if (challenge.scheme === "bearer") {
        this.tokens.invalidate(TokenCache.key(host, challenge, scopeList, await this.credentialsFor(host)));
      }
      if (fresh.scheme !== "none") {
        challenge = fresh;
        this.pings.set(host, Promise.resolve({ scheme: fresh.scheme, ...(fresh.realm ? { realm: fresh.realm } : {}), ...(fresh.service ? { service: fresh.service } : {}) }));
      }
      if (fresh.scope) scopeList = [...new Set([...scopeList, ...fresh.scope.split(" ").map(canonicalScope)])];
    }
  }

  private scopes(ref: Reference, actions: readonly Action[]): string[] {
    return [repositoryScope(ref.path, actions)];
  }

  // ------------------------------------------------------------------ manifests

  /**
   * The manifest or index `ref` names, verified: against the digest in `ref`, and against the
   * registry's Docker-Content-Digest for tags. Schema 1 and unknown media types are refused.
   */
  async getManifest(ref: Reference, options: { what?: string } = {}): Promise<FetchedManifest> {
    const what = options.what ?? `manifest of ${refString(ref)}`;
    const res = await this.send(ref.domain, this.scopes(ref, ["pull"]), {
      method: "GET",
      url: `v2/${ref.path}/manifests/${manifestReference(ref)}`,
      headers: { Accept: ACCEPTED_MANIFEST_MEDIA_TYPES.join(", ") },
      what,
    });
    if (res.status === 404) {
      const e = await httpError(res, what, ref.domain);
      throw new KilnError("manifest-unknown", `${refString(ref)}: not found: manifest unknown (no such tag or digest, or the repository does not exist or needs kiln login)${e.message.replace(/^.*not found/, "")}`);
    }
    if (res.status !== 200) throw await httpError(res, what, ref.domain);
    const bytes = await res.bytes(8 * 1024 * 1024);
    const algorithm = ref.digest ? digestAlgorithm(ref.digest) : "sha256";
    const digest = digestOf(bytes, algorithm);
    if (ref.digest && digest !== ref.digest) {
      throw new KilnError("digest-mismatch", `${what}: the registry sent content with digest ${digest}, not ${ref.digest}`);
    }
    const header = res.headers["docker-content-digest"];
    if (!ref.digest && typeof header === "string" && header.startsWith(`${algorithm}:`) && header !== digest) {
      throw new KilnError("digest-mismatch", `${what}: the registry says the manifest is ${header}, but its content hashes to ${digest}`);
    }
    const mediaType = manifestMediaTypeOf(bytes, res.headers["content-type"], refString(ref));
    return { bytes, mediaType, digest };
  }

  /** HEAD of a manifest: its digest, media type and size, or undefined when it does not exist. */
  async headManifest(ref: Reference): Promise<{ digest: Digest; mediaType: string; size: number } | undefined> {
    const what = `manifest of ${refString(ref)}`;
    const res = await this.send(ref.domain, this.scopes(ref, ["pull"]), {
      method: "HEAD",
      url: `v2/${ref.path}/manifests/${manifestReference(ref)}`,
      headers: { Accept: ACCEPTED_MANIFEST_MEDIA_TYPES.join(", ") },
      what,
    });
    res.drain();
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw await httpError(res, what, ref.domain);
    const header = res.headers["docker-content-digest"];
    if (typeof header !== "string") return undefined;
    return { digest: parseDigest(header), mediaType: normalizeMediaType(String(res.headers["content-type"] ?? "")), size: Number(res.headers["content-length"] ?? 0) };
  }

  /** PUT of a manifest by tag or digest; returns the digest the registry reports (checked against ours). */
  async putManifest(ref: Reference, bytes: Buffer, mediaType: string): Promise<Digest> {
    const what = `manifest of ${refString(ref)}`;
    const digest = digestOf(bytes);
    if (ref.digest && ref.digest !== digest) throw new KilnError("digest-mismatch", `${what}: pushing by digest ${ref.digest}, but the manifest is ${digest}`);
    const res = await this.send(ref.domain, this.scopes(ref, ["pull", "push"]), {
      method: "PUT",
      url: `v2/${ref.path}/manifests/${manifestReference(ref)}`,
      headers: { "Content-Type": mediaType, "Content-Length": String(bytes.byteLength) },
      body: bytes,
      what,
    });
    if (res.status !== 201 && res.status !== 200 && res.status !== 202) throw await httpError(res, what, ref.domain);
    res.drain();
    const header = res.headers["docker-content-digest"];
    if (typeof header === "string" && header.startsWith("sha256:") && header !== digest) {
      throw new KilnError("digest-mismatch", `${what}: the registry stored ${header}, kiln sent ${digest}`);
    }
    return digest;
  }

  // ------------------------------------------------------------------ blobs

  /** HEAD of a blob: its size, or undefined when the repository does not have it. */
  async headBlob(ref: Reference, digest: Digest, actions: readonly Action[] = ["pull"], what = `blob ${digest} in ${ref.familiarName()}`): Promise<number | undefined> {
    const res = await this.send(ref.domain, this.scopes(ref, actions), { method: "HEAD", url: `v2/${ref.path}/blobs/${digest}`, what });
    res.drain();
    if (res.status === 404) return undefined;
    if (res.status === 200) return Number(res.headers["content-length"] ?? 0);
    throw await httpError(res, what, ref.domain);
  }

  /** A small blob (a config) whole, verified against its digest. */
  async getBlobBytes(ref: Reference, blob: BlobRef, what: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of this.blobChunks(ref, blob, { what })) chunks.push(c);
    const bytes = Buffer.concat(chunks);
    const got = digestOf(bytes, digestAlgorithm(blob.digest));
    if (got !== blob.digest) throw new KilnError("digest-mismatch", `${what}: expected ${blob.digest}, got ${got}`);
    return bytes;
  }

  /**
   * The bytes of a blob, resuming with `Range` (or skipping what was already read when the
   * registry ignores Range) after a dropped or truncated connection, a bounded number of times.
   * The caller verifies the digest (the store's putBlob does).
   */
  async *blobChunks(ref: Reference, blob: BlobRef, options: { what: string; onBytes?: (n: number) => void }): AsyncGenerator<Buffer> {
    const { what } = options;
    let received = 0;
    let failures = 0;
    for (;;) {
      const headers: Record<string, string> = {};
      if (received > 0) headers["Range"] = `bytes=${received}-`;
      let res: Response;
      try {
        res = await this.send(ref.domain, this.scopes(ref, ["pull"]), { method: "GET", url: `v2/${ref.path}/blobs/${blob.digest}`, headers, what });
      } catch (err) {
        // a registry that answered before and now drops connections: count it like a cut-off body
        if (received === 0 || !(err instanceof KilnError) || err.code !== "registry-unreachable") throw err;
        if (++failures >= this.transport.retries) throw downloadFailed(what, failures, received, blob.size, err);
        await sleep(this.transport.backoff(failures));
        continue;
      }
      if (res.status !== 200 && res.status !== 206) {
        if (res.status === 416 && blob.size !== undefined && received >= blob.size) {
          res.drain();
          return;
        }
        throw await httpError(res, what, ref.domain);
      }
      let skip = 0;
      if (received > 0) {
        if (res.status === 200) skip = received; // Range ignored: read again from the start, drop what we have
        else if (!String(res.headers["content-range"] ?? "").startsWith(`bytes ${received}-`)) {
          res.drain();
          throw new KilnError("registry-error", `${what}: asked to resume at byte ${received}, the registry answered ${String(res.headers["content-range"] ?? "no Content-Range")}`);
        }
      }
      try {
        for await (const raw of bodyChunks(res.body)) {
          let chunk = raw;
          if (skip > 0) {
            if (chunk.byteLength <= skip) {
              skip -= chunk.byteLength;
              continue;
            }
            chunk = chunk.subarray(skip);
            skip = 0;
          }
          received += chunk.byteLength;
          options.onBytes?.(chunk.byteLength);
          yield chunk;
          if (blob.size !== undefined && received > blob.size) throw new KilnError("digest-mismatch", `${what}: the registry sent more than the expected ${blob.size} bytes (${blob.digest})`);
        }
        if (blob.size === undefined || received >= blob.size) return;
        throw Object.assign(new Error(`connection ended after ${received} of ${blob.size} bytes`), { code: "ETRUNCATED" });
      } catch (err) {
        if (err instanceof KilnError) throw err;
        res.body.destroy();
        if (++failures >= this.transport.retries) throw downloadFailed(what, failures, received, blob.size, err);
        await sleep(this.transport.backoff(failures));
      } finally {
        if (!res.body.readableEnded) res.body.destroy();
      }
    }
  }

  /**
   * Puts a blob into `ref`'s repository unless it is there (HEAD), trying cross-repository
   * mounts from `mountFrom` (repository paths on the same registry) first. The source is opened
   * again for every attempt; a dropped connection starts a new upload session (bounded).
   */
  async uploadBlob(
    ref: Reference,
    blob: { digest: Digest; size: number },
    open: () => Promise<Readable> | Readable,
    options: { what?: string; mountFrom?: readonly string[]; onBytes?: (n: number) => void; skipExistsCheck?: boolean } = {},
  ): Promise<UploadResult> {
    const what = options.what ?? `blob ${blob.digest}`;
    const scopes = this.scopes(ref, ["pull", "push"]);
    if (!options.skipExistsCheck && (await this.headBlob(ref, blob.digest, ["pull", "push"], what)) !== undefined) return "exists";
    let location: URL | undefined;
    for (const from of options.mountFrom ?? []) {
      if (from === ref.path) continue;
      const mountScopes = [...scopes, `repository:${from}:pull`];
      const res = await this.send(ref.domain, mountScopes, {
        method: "POST",
        url: `v2/${ref.path}/blobs/uploads/?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(from)}`,
        headers: { "Content-Length": "0" },
        body: Buffer.alloc(0),
        what: `mount of ${what} from ${from}`,
      });
      res.drain();
      if (res.status === 201) return "mounted";
      if (res.status === 202 && res.headers.location) {
        location = new URL(res.headers.location, res.url);
        break;
      }
    }
    let failures = 0;
    for (;;) {
      try {
        if (!location) location = await this.startUpload(ref, what);
        await this.sendUpload(ref, location, blob, open, what, options.onBytes);
        return "uploaded";
      } catch (err) {
        location = undefined;
        const retryable = !(err instanceof KilnError) || err.code === "registry-unreachable" || err.code === "registry-upload-dropped";
        if (!retryable || ++failures >= this.transport.retries) {
          if (err instanceof KilnError && err.code === "registry-upload-dropped") {
            throw new KilnError("registry-upload", `${what}: upload failed after ${failures} attempts: ${err.message}`);
          }
          throw err;
        }
        await sleep(this.transport.backoff(failures));
      }
    }
  }

  /**
   * Uploads a blob while it is being made (its digest known only at its end): one POST, one
   * streamed PATCH (chunked), then `PUT ?digest=` with what `digest()` resolves to. No retries
   * and no existence check: the caller keeps its own copy and uploads that (`uploadBlob`) if
   * this fails.
   */
  async uploadStreaming(
    ref: Reference,
    body: Readable,
    digest: () => Promise<Digest>,
    options: { what?: string; onBytes?: (n: number) => void } = {},
  ): Promise<Digest> {
    const what = options.what ?? "blob";
    const scopes = this.scopes(ref, ["pull", "push"]);
    let sent = 0;
    try {
      const location = await this.startUpload(ref, what);
      const counted = () =>
        pipeline(
          body,
          new Counter((n) => {
            sent += n;
            options.onBytes?.(n);
          }),
          () => {},
        );
      const patch = await this.send(ref.domain, scopes, {
        method: "PATCH",
        url: location,
        headers: { "Content-Type": "application/octet-stream" },
        body: counted,
        retry: false,
        what: `upload of ${what}`,
      });
      if (patch.status !== 202 || !patch.headers.location) throw await httpError(patch, `upload of ${what}`, ref.domain);
      patch.drain();
      const d = await digest();
      const url = new URL(patch.headers.location, patch.url);
      url.searchParams.set("digest", d);
      const res = await this.send(ref.domain, scopes, {
        method: "PUT",
        url,
        headers: { "Content-Type": "application/octet-stream", "Content-Length": "0" },
        body: Buffer.alloc(0),
        retry: false,
        what: `upload of ${what}`,
      });
      if (res.status !== 201 && res.status !== 204) throw await httpError(res, `upload of ${what}`, ref.domain);
      res.drain();
      const header = res.headers["docker-content-digest"];
      if (typeof header === "string" && header !== d) throw new KilnError("digest-mismatch", `upload of ${what}: the registry stored ${header}, kiln sent ${d}`);
      return d;
    } catch (err) {
      options.onBytes?.(-sent);
      body.destroy();
      throw err;
    }
  }

  private async startUpload(ref: Reference, what: string): Promise<URL> {
    const res = await this.send(ref.domain, this.scopes(ref, ["pull", "push"]), {
      method: "POST",
      url: `v2/${ref.path}/blobs/uploads/`,
      headers: { "Content-Length": "0" },
      body: Buffer.alloc(0),
      what: `upload of ${what}`,
    });
    if (res.status !== 202 || !res.headers.location) throw await httpError(res, `upload of ${what} to ${ref.name}`, ref.domain);
    res.drain();
    return new URL(res.headers.location, res.url);
  }

  private async sendUpload(
    ref: Reference,
    location: URL,
    blob: { digest: Digest; size: number },
    open: () => Promise<Readable> | Readable,
    what: string,
    onBytes: ((n: number) => void) | undefined,
  ): Promise<void> {
    const scopes = this.scopes(ref, ["pull", "push"]);
    let sent = 0;
    const counted = async () => {
      const source = await open();
      const counter = new Counter((n) => {
        sent += n;
        onBytes?.(n);
      });
      // pipeline: destroying the counter (a dropped request) closes the source too
      return pipeline(source, counter, () => {});
    };
    const finish = (url: URL, body: Buffer | (() => Promise<Readable>), length: number) => {
      const u = new URL(url);
      u.searchParams.set("digest", blob.digest);
      return this.send(ref.domain, scopes, {
        method: "PUT",
        url: u,
        headers: { "Content-Type": "application/octet-stream", "Content-Length": String(length) },
        body,
        retry: false,
        what: `upload of ${what}`,
      });
    };
    const dropped = (err: unknown): never => {
      onBytes?.(-sent);
      if (err instanceof KilnError && err.code !== "registry-unreachable") throw err;
      throw new KilnError("registry-upload-dropped", `connection dropped after ${sent} of ${blob.size} bytes: ${redact((err as Error).message)}`);
    };
    let res: Response;
    try {
      if (blob.size <= MONOLITHIC_MAX && !this.chunkSize) {
        res = await finish(location, counted, blob.size);
      } else {
        let url = location;
        const chunk = this.chunkSize && this.chunkSize < blob.size ? this.chunkSize : blob.size;
        let offset = 0;
        const source = chunk < blob.size ? chunkReader(await counted()) : undefined;
        do {
          const n = Math.min(chunk, blob.size - offset);
          const body: Buffer | (() => Promise<Readable>) = source ? await source(n) : counted;
          const patch = await this.send(ref.domain, scopes, {
            method: "PATCH",
            url,
            headers: {
              "Content-Type": "application/octet-stream",
              "Content-Length": String(n),
              ...(source ? { "Content-Range": `${offset}-${offset + n - 1}` } : {}),
            },
            body,
            retry: false,
            what: `upload of ${what}`,
          });
          if (patch.status !== 202 || !patch.headers.location) throw await httpError(patch, `upload of ${what}`, ref.domain);
          patch.drain();
          url = new URL(patch.headers.location, patch.url);
          offset += n;
        } while (offset < blob.size);
        res = await finish(url, Buffer.alloc(0), 0);
      }
    } catch (err) {
      return dropped(err);
    }
    if (res.status !== 201 && res.status !== 204) {
      onBytes?.(-sent);
      throw await httpError(res, `upload of ${what}`, ref.domain);
    }
    res.drain();
    const header = res.headers["docker-content-digest"];
    if (typeof header === "string" && header !== blob.digest) {
      throw new KilnError("digest-mismatch", `upload of ${what}: the registry stored ${header}, kiln sent ${blob.digest}`);
    }
  }
}

function downloadFailed(what: string, failures: number, received: number, size: number | undefined, err: unknown): KilnError {
  const of = size !== undefined ? ` of ${size}` : "";
  return new KilnError("registry-download", `${what}: download failed after ${failures} attempts at byte ${received}${of}: ${redact((err as Error).message)}`, { cause: err });
}

/** `repository:x:push,pull` → `repository:x:pull,push`, so a challenge's scope and ours compare equal. */
function canonicalScope(scope: string): string {
  const m = /^repository:(.+):([a-z*,]+)$/.exec(scope);
  if (!m || m[2]!.includes("*")) return scope;
  return repositoryScope(m[1]!, m[2]!.split(",") as Action[]);
}

/** Reads exact-size chunks off a stream (for chunked uploads). */
function chunkReader(stream: Readable): (n: number) => Promise<Buffer> {
  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending = Buffer.alloc(0);
  return async (n: number) => {
    const parts: Buffer[] = [pending];
    let have = pending.byteLength;
    while (have < n) {
      const next = await iterator.next();
      if (next.done) break;
      parts.push(next.value);
      have += next.value.byteLength;
    }
    const all = Buffer.concat(parts);
    pending = all.subarray(n);
    if (all.byteLength < n) throw new KilnError("registry-upload", `the blob source ended ${n - all.byteLength} bytes early`);
    return all.subarray(0, n);
  };
}

/**
 * The media type of fetched manifest bytes: the Content-Type when it names a manifest or index,
 * else the document's own `mediaType`. Schema 1 is refused; anything else unknown is an error.
 */
export function manifestMediaTypeOf(bytes: Buffer, contentType: string | undefined, where: string): string {
  const header = contentType ? normalizeMediaType(contentType) : "";
  refuseSchema1(header, where);
  let doc: { mediaType?: unknown; schemaVersion?: unknown; manifests?: unknown; config?: unknown } | undefined;
  try {
    doc = JSON.parse(bytes.toString("utf8")) as typeof doc;
  } catch {
    doc = undefined;
  }
  if (doc && doc.schemaVersion === 1) refuseSchema1("application/vnd.docker.distribution.manifest.v1+json", where);
  const kindOf = (t: string) => classifyMediaType(t, where).kind;
  if (header && (kindOf(header) === "manifest" || kindOf(header) === "index")) return header;
  const own = doc && typeof doc.mediaType === "string" ? normalizeMediaType(doc.mediaType) : "";
  if (own && isSchema1MediaType(own)) refuseSchema1(own, where);
  if (own && (kindOf(own) === "manifest" || kindOf(own) === "index")) return own;
  if (!own && doc && (header === "" || header === "application/json" || header === "application/octet-stream")) {
    // OCI documents may omit mediaType: guess from the shape
    if (Array.isArray(doc.manifests)) return "application/vnd.oci.image.index.v1+json";
    if (doc.config) return "application/vnd.oci.image.manifest.v1+json";
  }
  throw new KilnError(
    "unsupported-media-type",
    `${where}: the registry returned a manifest of unknown media type ${JSON.stringify(own || header || "(none)")}; kiln reads OCI and Docker schema 2 images and indexes`,
  );
}
