/**
 * Registry credentials the way Docker keeps them: `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`) with `auths` (base64 `user:password` in `auth`), `credsStore` (one
 * helper for every registry) and `credHelpers` (a helper per registry). Helpers are the
 * `docker-credential-<name>` programs speaking `get`/`store`/`erase` on stdin/stdout.
 */
import { spawn } from "node:child_process";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { KilnError } from "../util/errors.js";
import { redact } from "./redact.js";

export interface Credentials {
  username: string;
  password: string;
  /** An OAuth2 refresh token (`identitytoken`), used instead of the password for bearer tokens. */
  identityToken?: string;
}

/** The key Docker uses for Docker Hub in config.json. */
export const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  [key: string]: unknown;
}

export interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

/** Where config.json lives: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env["DOCKER_CONFIG"] || join(env["HOME"] || homedir(), ".docker");
  return join(dir, "config.json");
}

/** The config.json key of a registry host: Docker Hub's legacy URL, else the host. */
export function authKey(host: string): string {
  return host === "docker.io" || host === "index.docker.io" || host === "registry-1.docker.io" ? DOCKER_HUB_AUTH_KEY : host;
}

/** `https://host:5000/v1/` → `host:5000` (how Docker matches keys written by older clients). */
export function keyHost(key: string): string {
  const stripped = key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
  return stripped === "index.docker.io" || stripped === "registry-1.docker.io" ? "docker.io" : stripped;
}

export async function readDockerConfig(path: string): Promise<DockerConfigFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new KilnError("docker-config", `cannot read ${path}: ${(err as Error).message}`);
  }
  if (text.trim() === "") return {};
  try {
    const doc = JSON.parse(text) as unknown;
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error("not a JSON object");
    return doc as DockerConfigFile;
  } catch (err) {
    throw new KilnError("docker-config", `${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Writes config.json as Docker does: 0600, through a temp file, other keys kept. */
export async function writeDockerConfig(path: string, doc: DockerConfigFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.kiln-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(doc, null, "\t")}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}

function helperFor(doc: DockerConfigFile, host: string): string | undefined {
  const helpers = doc.credHelpers ?? {};
  for (const [key, name] of Object.entries(helpers)) if (keyHost(key) === host || key === host) return name;
  return doc.credsStore || undefined;
}

function decodeEntry(entry: AuthEntry, key: string): Credentials | undefined {
  let username = entry.username ?? "";
  let password = entry.password ?? "";
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new KilnError("docker-config", `the "auth" entry for ${key} in the Docker config is not base64 of user:password`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  const identityToken = entry.identitytoken || undefined;
  if (!username && !password && !identityToken) return undefined;
  return { username, password, ...(identityToken ? { identityToken } : {}) };
}

/** Runs `docker-credential-<helper> <action>` with `input` on stdin; returns stdout. */
export function runCredentialHelper(helper: string, action: "get" | "store" | "erase", input: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = spawn(program, [action], { stdio: ["pipe", "pipe", "pipe"], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", (e: NodeJS.ErrnoException) => {
      reject(new KilnError("credential-helper", e.code === "ENOENT" ? `credential helper ${program} is not installed (named in the Docker config)` : `credential helper ${program}: ${e.message}`));
    });
    child.stdin.on("error", () => {});
    child.on("close", (code) => {
      const stdout = Buffer.concat(out).toString("utf8");
      if (code === 0) return resolve(stdout);
      // helpers print "credentials not found in native keychain" on stdout for misses
      const message = (stdout.trim() || Buffer.concat(err).toString("utf8").trim()).split("\n")[0] ?? "";
      const e = new KilnError("credential-helper", `credential helper ${program} ${action} failed (exit ${code}): ${redact(message)}`);
      (e as KilnError & { notFound?: boolean }).notFound = /credentials not found/i.test(message);
      reject(e);
    });
    child.stdin.end(input);
  });
}

/** Credentials Docker would use for `host`, or undefined (anonymous). */
export async function lookupCredentials(host: string, options: { configPath?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Credentials | undefined> {
  const env = options.env ?? process.env;
  const path = options.configPath ?? dockerConfigPath(env);
  const doc = await readDockerConfig(path);
  const helper = helperFor(doc, host);
  if (helper) {
    try {
      const out = await runCredentialHelper(helper, "get", authKey(host), env);
      const parsed = JSON.parse(out) as { Username?: string; Secret?: string };
      if (!parsed.Secret) return undefined;
      // "<token>" as the user name means the secret is an identity token
      if (parsed.Username === "<token>") return { username: "", password: "", identityToken: parsed.Secret };
      return { username: parsed.Username ?? "", password: parsed.Secret };
    } catch (err) {
      if ((err as { notFound?: boolean }).notFound) return undefined;
      if (err instanceof SyntaxError) throw new KilnError("credential-helper", `credential helper docker-credential-${helper} printed something that is not JSON`);
      throw err;
    }
  }
  const auths = doc.auths ?? {};
  const exact = auths[authKey(host)] ?? auths[host];
  if (exact) return decodeEntry(exact, authKey(host));
  for (const [key, entry] of Object.entries(auths)) if (keyHost(key) === host) return decodeEntry(entry, key);
  return undefined;
}

/** Saves credentials for `host` (in the helper when one is configured). Returns where they went. */
export async function storeCredentials(host: string, creds: Credentials, options: { configPath?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ path: string; helper?: string }> {
  const env = options.env ?? process.env;
  const path = options.configPath ?? dockerConfigPath(env);
  const doc = await readDockerConfig(path);
  const key = authKey(host);
  const helper = helperFor(doc, host);
  doc.auths = { ...(doc.auths ?? {}) };
  if (helper) {
    await runCredentialHelper(helper, "store", JSON.stringify({ ServerURL: key, Username: creds.username, Secret: creds.password }), env);
    doc.auths[key] = {}; // Docker keeps an empty entry so `docker login` lists the registry
  } else {
    const entry: AuthEntry = { ...(doc.auths[key] ?? {}) };
    delete entry.username;
    delete entry.password;
    delete entry.identitytoken;
    entry.auth = Buffer.from(`${creds.username}:${creds.password}`, "utf8").toString("base64");
    doc.auths[key] = entry;
  }
  await writeDockerConfig(path, doc);
  return helper ? { path, helper } : { path };
}

/** Removes credentials for `host`. Returns false when there were none. */
export async function eraseCredentials(host: string, options: { configPath?: string; env?: NodeJS.ProcessEnv } = {}): Promise<boolean> {
  const env = options.env ?? process.env;
  const path = options.configPath ?? dockerConfigPath(env);
  const doc = await readDockerConfig(path);
  const key = authKey(host);
  const helper = helperFor(doc, host);
  let found = false;
  if (helper) {
    try {
      await runCredentialHelper(helper, "erase", key, env);
      found = true;
    } catch (err) {
      if (!(err as { notFound?: boolean }).notFound) throw err;
    }
  }
  const auths = { ...(doc.auths ?? {}) };
  for (const k of Object.keys(auths)) {
    if (k === key || keyHost(k) === host) {
      delete auths[k];
      found = true;
    }
  }
  if (doc.auths) {
    doc.auths = auths;
    await writeDockerConfig(path, doc);
  }
  return found;
}
