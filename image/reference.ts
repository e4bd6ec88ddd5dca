/**
 * Docker image references, `name[:tag][@digest]`, with the grammar of distribution/reference and
 * Docker's normalisation:
 *
 *   alpine                → docker.io/library/alpine:latest
 *   user/app              → docker.io/user/app:latest
 *   localhost:5000/x      → localhost:5000/x:latest
 *   index.docker.io/x/y   → docker.io/x/y:latest
 *   alpine@sha256:…       → docker.io/library/alpine@sha256:…   (no default tag beside a digest)
 *
 * The first path component is a registry host when it is `localhost`, contains `.` or `:`, or has
 * upper-case letters (which a repository path may not); otherwise the image is on Docker Hub.
 */
import { KilnError } from "../util/errors.js";
import { parseDigest, type Digest } from "./digest.js";

export const DEFAULT_DOMAIN = "docker.io";
export const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
export const OFFICIAL_REPO_PREFIX = "library/";
export const DEFAULT_TAG = "latest";
/**
 * kiln's name space for images that exist only in a local store (`kiln import`, `kiln load`,
 * `kiln tag`, the test and demo bases): no registry is ever contacted for it.
 */
export const LOCAL_ONLY_DOMAIN = "kiln.local";
/** Longest repository path (without the domain). */
export const MAX_PATH_LENGTH = 255;
export const MAX_TAG_LENGTH = 128;

// distribution/reference grammar, one piece at a time so errors can say which piece is wrong.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const TAG = /^[\w][\w.-]*$/;
// What references accept as a digest before the algorithm-specific check.
const REFERENCE_DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const IDENTIFIER = /^[a-f0-9]{64}$/;

function invalid(reference: string, why: string): KilnError {
  return new KilnError("invalid-reference", `invalid image reference ${JSON.stringify(reference)}: ${why}`);
}

/** A normalised image reference. Values are immutable; `with…` methods return new ones. */
export class Reference {
  /** Registry host with optional port: `docker.io`, `localhost:5000`, `[::1]:5000`. */
  readonly domain: string;
  /** Repository path on that registry: `library/alpine`. */
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: Digest | undefined;

  private constructor(domain: string, path: string, tag: string | undefined, digest: Digest | undefined) {
    this.domain = domain;
    this.path = path;
    this.tag = tag;
    this.digest = digest;
    Object.freeze(this);
  }

  /** Same as parseReference. */
  static parse(reference: string): Reference {
    const { domain, path, tag, digest } = parseParts(reference);
    return new Reference(domain, path, tag, digest);
  }

  /** `docker.io/library/alpine`: domain and path, no tag or digest. */
  get name(): string {
    return `${this.domain}/${this.path}`;
  }

  /** Canonical form: `docker.io/library/alpine:latest`, `host/x@sha256:…`, `host/x:t@sha256:…`. */
  toString(): string {
    return this.name + (this.tag !== undefined ? `:${this.tag}` : "") + (this.digest !== undefined ? `@${this.digest}` : "");
  }

  toJSON(): string {
    return this.toString();
  }

  /** The repository as Docker shows it: `alpine`, `user/app`, `ghcr.io/o/app`. */
  familiarRepository(): string {
    if (this.domain !== DEFAULT_DOMAIN) return this.name;
    if (this.path.startsWith(OFFICIAL_REPO_PREFIX)) {
      const rest = this.path.slice(OFFICIAL_REPO_PREFIX.length);
      if (!rest.includes("/")) return rest;
    }
    return this.path;
  }

  /** For display, as Docker shows it: `alpine:latest`, `user/app@sha256:…`, `ghcr.io/o/app:1`. */
  familiarName(): string {
    return this.familiarRepository() + (this.tag !== undefined ? `:${this.tag}` : "") + (this.digest !== undefined ? `@${this.digest}` : "");
  }

  /** The same repository with another tag (digest dropped: it pinned the old one). */
  withTag(tag: string): Reference {
    checkTag(tag, `${this.name}:${tag}`);
    return new Reference(this.domain, this.path, tag, undefined);
  }

  /** The same repository pinned to a digest (tag kept, as Docker keeps `name:tag@digest`). */
  withDigest(digest: string): Reference {
    return new Reference(this.domain, this.path, this.tag, checkDigest(digest, `${this.name}@${digest}`));
  }

  /** The same repository with neither tag nor digest. */
  repository(): Reference {
    return new Reference(this.domain, this.path, undefined, undefined);
  }

  equals(other: Reference): boolean {
    return this.toString() === other.toString();
  }
}

function checkTag(tag: string, reference: string): void {
  if (tag === "") throw invalid(reference, "the tag after ':' is empty");
  if (tag.length > MAX_TAG_LENGTH) throw invalid(reference, `tag is ${tag.length} characters long; the maximum is ${MAX_TAG_LENGTH}`);
  if (!TAG.test(tag)) {
    throw invalid(reference, `tag ${JSON.stringify(tag)} must start with a letter, digit or '_' and contain only letters, digits, '_', '.' and '-'`);
  }
}

function checkDigest(digest: string, reference: string): Digest {
  if (digest === "") throw invalid(reference, "the digest after '@' is empty");
  if (!REFERENCE_DIGEST.test(digest)) {
    throw invalid(reference, `digest ${JSON.stringify(digest)} must look like "sha256:<64 hex characters>"`);
  }
  try {
    return parseDigest(digest);
  } catch (err) {
    throw invalid(reference, err instanceof KilnError ? err.message : String(err));
  }
}

function checkDomain(domain: string, reference: string): void {
  if (!DOMAIN.test(domain)) {
    throw invalid(reference, `registry host ${JSON.stringify(domain)} is not a valid host name, IPv4 address or [IPv6] address with optional :port`);
  }
}

function checkPath(path: string, reference: string): void {
  if (path.length > MAX_PATH_LENGTH) {
    throw invalid(reference, `repository path is ${path.length} characters long; the maximum is ${MAX_PATH_LENGTH}`);
  }
  for (const component of path.split("/")) {
    if (component === "") throw invalid(reference, "the repository path has an empty component (a leading, trailing or doubled '/')");
    if (PATH_COMPONENT.test(component)) continue;
    if (PATH_COMPONENT.test(component.toLowerCase())) {
      throw invalid(reference, `repository name must be lower-case (${JSON.stringify(component)})`);
    }
    throw invalid(
      reference,
      `repository path component ${JSON.stringify(component)} must be lower-case letters and digits, separated by '.', '_', '__' or '-' runs`,
    );
  }
}

/** Splits off the registry host the way Docker does, and adds `library/` to Docker Hub's official names. */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf("/");
  if (slash < 0) return { domain: DEFAULT_DOMAIN, path: OFFICIAL_REPO_PREFIX + name };
  const first = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  let domain: string;
  let path: string;
  if (first === "localhost") {
    domain = first;
    path = rest;
  } else if (first === LEGACY_DEFAULT_DOMAIN) {
    domain = DEFAULT_DOMAIN;
    path = rest;
  } else if (first.includes(".") || first.includes(":") || first.toLowerCase() !== first) {
    domain = first;
    path = rest;
  } else {
    domain = DEFAULT_DOMAIN;
    path = name;
  }
  if (domain === DEFAULT_DOMAIN && !path.includes("/")) path = OFFICIAL_REPO_PREFIX + path;
  return { domain, path };
}

interface Parts {
  domain: string;
  path: string;
  tag: string | undefined;
  digest: Digest | undefined;
}

function parseParts(reference: string): Parts {
  if (typeof reference !== "string" || reference === "") throw invalid(String(reference), "the reference is empty");
  if (IDENTIFIER.test(reference)) {
    throw invalid(reference, "a 64-character hexadecimal string is an image ID, not a repository name (write sha256:… after '@' to pin a digest)");
  }
  if (/\s/.test(reference)) throw invalid(reference, "it contains whitespace");

  let rest = reference;
  let digest: Digest | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = checkDigest(rest.slice(at + 1), reference);
    rest = rest.slice(0, at);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    checkTag(tag, reference);
  }

  if (rest === "") throw invalid(reference, "the repository name is missing");
  const { domain, path } = splitDomain(rest);
  checkDomain(domain, reference);
  checkPath(path, reference);

  if (tag === undefined && digest === undefined) tag = DEFAULT_TAG;
  return { domain, path, tag, digest };
}

/**
 * Parses and normalises a reference. Without tag or digest the tag `latest` is added. Throws
 * KilnError `invalid-reference` naming the reference and what is wrong with it.
 */
export function parseReference(reference: string): Reference {
  return Reference.parse(reference);
}

/** parseReference that returns undefined instead of throwing. */
export function tryParseReference(reference: string): Reference | undefined {
  try {
    return parseReference(reference);
  } catch {
    return undefined;
  }
}

/** True for a registry host in kiln's local-only name space (`kiln.local`, any port). */
export function isLocalOnlyDomain(domain: string): boolean {
  return domain.replace(/:\d+$/, "").toLowerCase() === LOCAL_ONLY_DOMAIN;
}
