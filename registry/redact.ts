/**
 * Secrets never reach logs or errors: everything a registry error message quotes from the
 * outside (URLs, server messages) goes through `redact`.
 */

const PATTERNS: [RegExp, string][] = [
  // credentials in URLs: scheme://user:pass@host
  [/([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, "$1***@"],
  // Authorization headers and bearer tokens quoted in text
  [/\b(authorization\s*[:=]\s*)(basic|bearer)\s+[^\s,"']+/gi, "$1$2 ***"],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 ***"],
  // JWTs
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, "***"],
  // query parameters that carry secrets (signed storage URLs, tokens)
  [/([?&](?:access_token|token|password|secret|signature|x-amz-signature|x-amz-credential|x-amz-security-token|sig|se|sp)=)[^&\s"']+/gi, "$1***"],
];

export function redact(text: string): string {
  let out = text;
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  return out;
}

/** A URL for messages: no credentials, no query string. */
export function displayUrl(url: URL | string): string {
  const u = new URL(url.toString());
  u.username = "";
  u.password = "";
  u.search = "";
  return u.toString();
}
