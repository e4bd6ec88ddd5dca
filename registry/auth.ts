/**
 * Registry authentication: the `WWW-Authenticate` challenge of `/v2/` (none, Basic or Bearer),
 * and bearer tokens fetched from the challenge's realm for the scopes a request needs
 * (`repository:<path>:pull` or `:pull,push`), cached per (registry, scopes) until they expire.
 */
import { KilnError } from "../util/errors.js";
import type { Credentials } from "./credentials.js";
import { displayUrl, redact } from "./redact.js";
import type { Transport } from "./transport.js";

export interface Challenge {
  scheme: "none" | "basic" | "bearer";
  realm?: string;
  service?: string;
  /** The scope a 401 asked for (bearer `scope=` parameter). */
  scope?: string;
  error?: string;
}

/** Parses a `WWW-Authenticate` header: `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string | string[] | undefined): Challenge {
  const text = Array.isArray(header) ? header.find((h) => /^bearer/i.test(h.trim())) ?? header[0] : header;
  if (!text) return { scheme: "none" };
  const m = /^\s*(\w+)\s*(.*)$/s.exec(text);
  if (!m) return { scheme: "none" };
  const scheme = m[1]!.toLowerCase();
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*,?/g;
  for (const p of (m[2] ?? "").matchAll(re)) params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : (p[3] ?? "");
  if (scheme === "basic") return { scheme: "basic", ...(params["realm"] ? { realm: params["realm"] } : {}) };
  if (scheme === "bearer") {
    const c: Challenge = { scheme: "bearer" };
    if (params["realm"]) c.realm = params["realm"];
    if (params["service"]) c.service = params["service"];
    if (params["scope"]) c.scope = params["scope"];
    if (params["error"]) c.error = params["error"];
    return c;
  }
  return { scheme: "none" };
}

export type Action = "pull" | "push";

/** `repository:library/busybox:pull,push`. */
export function repositoryScope(path: string, actions: readonly Action[]): string {
  const sorted = [...new Set(actions)].sort((a, b) => (a === "pull" ? -1 : b === "pull" ? 1 : 0));
  return `repository:${path}:${sorted.join(",")}`;
}

interface Token {
  value: string;
  expiresAt: number;
}

export function basicHeader(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`, "utf8").toString("base64")}`;
}

/** Fetches bearer tokens and remembers them per (realm, service, scopes) until they expire. */
export class TokenCache {
  private readonly tokens = new Map<string, Promise<Token>>();

  constructor(private readonly transport: Transport) {}

  invalidate(key: string): void {
    this.tokens.delete(key);
  }

  static key(host: string, challenge: Challenge, scopes: readonly string[], creds: Credentials | undefined): string {
    return JSON.stringify([host, challenge.realm, challenge.service, [...scopes].sort(), creds ? creds.username : ""]);
  }

  async token(host: string, challenge: Challenge, scopes: readonly string[], creds: Credentials | undefined): Promise<string> {
    const key = TokenCache.key(host, challenge, scopes, creds);
    const cached = this.tokens.get(key);
    if (cached) {
      const t = await cached.catch(() => undefined);
      if (t && t.expiresAt > Date.now() + 5_000) return t.value;
      this.tokens.delete(key);
    }
    const pending = this.fetchToken(host, challenge, scopes, creds);
    this.tokens.set(key, pending);
    pending.catch(() => this.tokens.delete(key));
    return (await pending).value;
  }

  private async fetchToken(host: string, challenge: Challenge, scopes: readonly string[], creds: Credentials | undefined): Promise<Token> {
    if (!challenge.realm) throw new KilnError("registry-auth", `registry ${host} asks for a bearer token but names no realm to get it from`);
    let realm: URL;
    try {
      realm = new URL(challenge.realm);
    } catch {
      throw new KilnError("registry-auth", `registry ${host} names an invalid token realm ${JSON.stringify(redact(challenge.realm))}`);
    }
    if (realm.protocol !== "https:" && realm.protocol !== "http:") throw new KilnError("registry-auth", `registry ${host}: token realm must be http(s)`);
    const what = `token for ${host} from ${displayUrl(realm)}`;
    let res;
    if (creds?.identityToken) {
      // OAuth2 refresh-token grant (docker login with an identity token)
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: creds.identityToken, client_id: "kiln" });
      if (challenge.service) form.set("service", challenge.service);
      if (scopes.length > 0) form.set("scope", scopes.join(" "));
      res = await this.transport.request({
        method: "POST",
        url: realm,
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: Buffer.from(form.toString()),
        what,
      });
    } else {
      const url = new URL(realm);
      if (challenge.service) url.searchParams.set("service", challenge.service);
      for (const s of scopes) url.searchParams.append("scope", s);
      const headers: Record<string, string> = {};
      if (creds) {
        url.searchParams.set("account", creds.username);
        headers["Authorization"] = basicHeader(creds);
      }
      res = await this.transport.request({ method: "GET", url, headers, what });
    }
    if (res.status === 401 || res.status === 403) {
      res.drain();
      throw new KilnError(
        "registry-unauthorized",
        creds ? `${host}: the token server refused the credentials (incorrect username or password)` : `${host}: authentication required (kiln login ${host})`,
      );
    }
    if (res.status !== 200) {
      const body = (await res.bytes(64 * 1024).catch(() => Buffer.alloc(0))).toString("utf8").slice(0, 200);
      throw new KilnError("registry-auth", `${what}: HTTP ${res.status}${body ? `: ${redact(body)}` : ""}`);
    }
    let doc: { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
    try {
      doc = JSON.parse((await res.bytes(1024 * 1024)).toString("utf8")) as typeof doc;
    } catch {
      throw new KilnError("registry-auth", `${what}: the answer is not JSON`);
    }
    const value = doc.token || doc.access_token;
    if (!value) throw new KilnError("registry-auth", `${what}: the answer has no token`);
    const lifetime = (typeof doc.expires_in === "number" && doc.expires_in > 0 ? doc.expires_in : 60) * 1000;
    const issued = doc.issued_at ? Date.parse(doc.issued_at) : NaN;
    const start = Number.isNaN(issued) ? Date.now() : Math.min(issued, Date.now());
    return { value, expiresAt: start + lifetime };
  }
}
