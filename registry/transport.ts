/**
 * HTTP(S) to registries with node:http/node:https (keep-alive agents; see docs/registry.md for
 * why not undici): which scheme a host speaks, the CA bundle, retries with backoff on 429/5xx
 * and dropped connections, redirects that never carry credentials to another host.
 */
import * as http from "node:http";
import type * as httpsTypes from "node:https";
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { KilnError } from "../util/errors.js";
import { https, net, tls } from "../util/lazy-builtins.js";
import { isLocalOnlyDomain } from "../image/reference.js";
import { redact } from "./redact.js";

export interface TransportOptions {
  /** Hosts (`host[:port]`, or CIDR-less IPs) that may be reached over plain HTTP; TLS is not verified for them. */
  insecureRegistries?: readonly string[];
  /** Extra PEM files of CAs to trust beside the system ones (`--tls-ca`). */
  caFiles?: readonly string[];
  /** The environment (KILN_EXTRA_CA_CERTS, KILN_REGISTRY_RETRIES). */
  env?: NodeJS.ProcessEnv;
  /** Attempts per request on 429/5xx/connection errors (default 5, KILN_REGISTRY_RETRIES). */
  retries?: number;
  /** Base backoff in ms (default 250): 250, 500, 1000… capped at 8 s; Retry-After wins (capped at 30 s). */
  backoffMs?: number;
  userAgent?: string;
  /** Sockets per host (default 8). */
  maxSockets?: number;
}

export interface RequestOptions {
  method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  url: URL;
  headers?: Record<string, string>;
  /** A body, or a function making one (called again for every attempt). */
  body?: Buffer | (() => Readable | Promise<Readable>);
  /** Retry this request on 429/5xx/connection errors (default: true for GET/HEAD and Buffer bodies). */
  retry?: boolean;
  /** What the request is for, in error messages ("manifest of busybox:latest"). */
  what: string;
  /** Follow redirects (default true). Authorization is dropped when the host changes. */
  followRedirects?: boolean;
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  url: URL;
  body: http.IncomingMessage;
  /** Set by RegistryClient.send: whether the request carried the user's credentials (not anonymous). */
  authenticated?: boolean;
  /** Reads the whole body (small documents only; `limit` bytes at most). */
  bytes(limit?: number): Promise<Buffer>;
  /** Discards the body. */
  drain(): void;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRY_ERRNO = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_SOCKET"]);

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True for `localhost`, 127.0.0.0/8 and ::1, with or without a port. */
export function isLoopbackHost(host: string): boolean {
  const name = hostName(host);
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  const { isIP } = net();
  if (isIP(name) === 4) return name.startsWith("127.");
  if (isIP(name) === 6) return name === "::1";
  return false;
}

/** `host:port` → `host`; `[::1]:5000` → `::1`. */
export function hostName(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"));
  const colon = host.lastIndexOf(":");
  return colon > 0 && host.indexOf(":") === colon ? host.slice(0, colon) : host;
}

function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export class Transport {
  readonly retries: number;
  private readonly backoffMs: number;
  private readonly insecure: Set<string>;
  private readonly maxSockets: number;
  private readonly caFiles: readonly string[];
  private readonly httpAgent: http.Agent;
  /** Made on first use: a TLS context with the system CAs costs ~25 ms, ~50 ms with a CA bundle added. */
  private verifiedAgent: httpsTypes.Agent | undefined;
  private unverifiedAgent: httpsTypes.Agent | undefined;
  private readonly schemes = new Map<string, Promise<"http" | "https">>();
  private readonly userAgent: string;

  constructor(options: TransportOptions = {}) {
    const env = options.env ?? process.env;
    const fromEnv = Number(env["KILN_REGISTRY_RETRIES"]);
    this.retries = options.retries ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 5);
    this.backoffMs = options.backoffMs ?? 250;
    this.insecure = new Set((options.insecureRegistries ?? []).map((h) => h.replace(/^https?:\/\//, "").replace(/\/.*$/, "")));
    this.userAgent = options.userAgent ?? "kiln";
    this.maxSockets = options.maxSockets ?? 8;
    this.caFiles = [...(options.caFiles ?? []), ...(env["KILN_EXTRA_CA_CERTS"] ? [env["KILN_EXTRA_CA_CERTS"]] : [])];
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: this.maxSockets });
  }

  /** Closes idle sockets (call when done, so the process can exit at once). */
  close(): void {
    this.httpAgent.destroy();
    this.verifiedAgent?.destroy();
    this.unverifiedAgent?.destroy();
  }

  /** The agent for verified TLS: the system CAs plus --tls-ca and KILN_EXTRA_CA_CERTS files. */
  private httpsAgent(): httpsTypes.Agent {
    if (!this.verifiedAgent) {
      const ca = this.caFiles.length > 0 ? [...tls().rootCertificates, ...this.caFiles.map((f) => readCaFile(f))] : undefined;
      this.verifiedAgent = new (https().Agent)({ keepAlive: true, maxSockets: this.maxSockets, ...(ca ? { ca } : {}) });
    }
    return this.verifiedAgent;
  }

  private insecureHttpsAgent(): httpsTypes.Agent {
    return (this.unverifiedAgent ??= new (https().Agent)({ keepAlive: true, maxSockets: this.maxSockets, rejectUnauthorized: false }));
  }

  /** Registries named by --insecure-registry: plain HTTP allowed, TLS not verified. */
  isInsecure(host: string): boolean {
    return this.insecure.has(host) || this.insecure.has(hostName(host));
  }

  /** Hosts where plain HTTP is allowed: loopback and --insecure-registry. */
  allowsHttp(host: string): boolean {
    return isLoopbackHost(host) || this.isInsecure(host);
  }

  /**
   * The base URL of a registry host: `https://host`, or for hosts that allow HTTP whichever
   * scheme answers. Decided once per host.
   */
  async baseUrl(host: string): Promise<URL> {
    assertRemote(host);
    const registryHost = host === "docker.io" ? "registry-1.docker.io" : host;
    let scheme = this.schemes.get(registryHost);
    if (!scheme) {
      scheme = this.probeScheme(registryHost);
      this.schemes.set(registryHost, scheme);
      scheme.catch(() => this.schemes.delete(registryHost));
    }
    return new URL(`${await scheme}://${registryHost}/`);
  }

  /**
   * `--insecure-registry` hosts: HTTPS first, as Docker does. Loopback hosts: plain HTTP first,
   * since one port cannot serve both and a registry on this machine is nearly always plain
   * (`docker run registry`, CI services): the TLS attempt would cost loading node:https and a
   * CA context (~40–60 ms of start-up) for nothing. A TLS server answers the plain ping with 400
   * ("Client sent an HTTP request to an HTTPS server") or drops it; then HTTPS is tried.
   */
  private async probeScheme(host: string): Promise<"http" | "https"> {
    if (!this.allowsHttp(host)) return "https";
    if (isLoopbackHost(host) && (await this.answersPlainHttp(host))) return "http";
    try {
      const res = await this.once({ method: "GET", url: new URL(`https://${host}/v2/`), what: `registry ${host}` });
      res.drain();
      return "https";
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "";
      const message = String((err as Error).message);
      // a plain-HTTP server answering a TLS hello, or refusing the handshake
      if (code === "EPROTO" || code === "ECONNRESET" || /wrong version number|packet length too long|http request/i.test(message)) return "http";
      if (code === "ECONNREFUSED") return "http";
      throw connectionError(err, `registry ${host}`, new URL(`https://${host}/`));
    }
  }

  /** A registry's answer to the version ping over plain HTTP (200, or 401 asking for credentials); a refused port counts too (neither scheme will do better). */
  private async answersPlainHttp(host: string): Promise<boolean> {
    try {
      const res = await this.once({ method: "GET", url: new URL(`http://${host}/v2/`), what: `registry ${host}` });
      res.drain();
      return res.status === 200 || res.status === 401;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ECONNREFUSED";
    }
  }

  private agentFor(url: URL): http.Agent {
    if (url.protocol === "http:") return this.httpAgent;
    return this.isInsecure(url.host) ? this.insecureHttpsAgent() : this.httpsAgent();
  }

  /** One attempt, no retries, no redirects. */
  once(options: RequestOptions & { bodyStream?: Readable | Buffer }): Promise<Response> {
    const { url } = options;
    const mod = url.protocol === "http:" ? http : https();
    return new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = { "User-Agent": this.userAgent, ...(options.headers ?? {}) };
      const req = mod.request(url, { method: options.method, headers, agent: this.agentFor(url) }, (res) => {
        resolve(makeResponse(res, url));
      });
      const body = options.bodyStream;
      req.on("error", (err) => {
        // a dropped request must release its source (a store file handle) at once
        if (body && !Buffer.isBuffer(body)) body.destroy();
        reject(err);
      });
      if (body === undefined) req.end();
      else if (Buffer.isBuffer(body)) req.end(body);
      else {
        body.on("error", (err) => req.destroy(err));
        body.pipe(req);
      }
    });
  }

  /**
   * A request with retries (429/5xx and connection errors, bounded, with backoff and
   * Retry-After) and redirects. Other statuses are returned for the caller to judge.
   */
  async request(options: RequestOptions): Promise<Response> {
    const retry = options.retry ?? (options.method === "GET" || options.method === "HEAD" || options.body === undefined || Buffer.isBuffer(options.body));
    let url = options.url;
    let headers = { ...(options.headers ?? {}) };
    let redirects = 0;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        const bodyStream = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : await options.body();
        res = await this.once({ ...options, url, headers, ...(bodyStream !== undefined ? { bodyStream } : {}) });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? "";
        if (retry && RETRY_ERRNO.has(code) && attempt < this.retries) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw connectionError(err, options.what, url);
      }
      if ([301, 302, 303, 307, 308].includes(res.status) && options.followRedirects !== false && res.headers.location) {
        res.drain();
        if (++redirects > 10) throw new KilnError("registry-error", `${options.what}: too many redirects`);
        const next = new URL(res.headers.location, url);
        if (next.host !== url.host) {
          // never hand the registry's credentials to a storage host
          headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== "authorization"));
        }
        url = next;
        attempt--;
        continue;
      }
      if (retry && RETRY_STATUS.has(res.status) && attempt < this.retries) {
        const after = retryAfterMs(res.headers["retry-after"] as string | undefined);
        res.drain();
        await sleep(after !== undefined ? Math.min(after, 30_000) : this.backoff(attempt));
        continue;
      }
      return res;
    }
  }

  backoff(attempt: number): number {
    return Math.min(this.backoffMs * 2 ** (attempt - 1), 8_000);
  }
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new KilnError("tls-ca-unreadable", `cannot read the CA file ${file}: ${(err as Error).message}`);
  }
}

function makeResponse(res: http.IncomingMessage, url: URL): Response {
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    url,
    body: res,
    async bytes(limit = 16 * 1024 * 1024) {
      const chunks: Buffer[] = [];
      let n = 0;
      for await (const chunk of res) {
        n += (chunk as Buffer).byteLength;
        if (n > limit) {
          res.destroy();
          throw new KilnError("registry-error", `response from ${redact(url.toString())} is larger than ${limit} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    },
    drain() {
      res.resume();
      res.on("error", () => {});
    },
  };
}

/** A connection-level failure as a KilnError naming what was asked and where. */
export function connectionError(err: unknown, what: string, url: URL): KilnError {
  if (err instanceof KilnError) return err;
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? "";
  const where = `${url.protocol}//${url.host}`;
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return new KilnError(
      "registry-tls",
      `${what}: TLS certificate of ${where} is not trusted (${e.message}); pass the CA with --tls-ca FILE (or NODE_EXTRA_CA_CERTS), or use --insecure-registry ${url.host}`,
      { cause: err },
    );
  }
  return new KilnError("registry-unreachable", `${what}: cannot reach ${where}: ${redact(e.message ?? String(err))}${code ? ` (${code})` : ""}`, { cause: err });
}

/** Refuses kiln's local-only name space (`kiln.local`) before any connection is tried. */
export function assertRemote(host: string): void {
  if (isLocalOnlyDomain(host)) {
    throw new KilnError("local-only-name", `${host} names images that exist only in a local store (kiln import, kiln load, kiln tag): there is no registry to contact; tag the image with a registry name to push it`);
  }
}
