/**
 * An HTTP error answer from a registry as a KilnError naming what was asked, with the registry's
 * own error text (redacted). Its own module so the download worker (registry/blob-worker.ts)
 * reports statuses as the client does without loading the client.
 */
import { KilnError } from "../util/errors.js";
import { canonicalScope, parseChallenge } from "./auth.js";
import { displayUrl, redact } from "./redact.js";
import type { Response } from "./transport.js";

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
