/**
 * A real registry for tests: the CNCF distribution registry (`docker-registry serve CONFIG`,
 * Debian package docker-registry) on 127.0.0.1 with a free port, optionally behind TLS (a CA and
 * server certificate made here with openssl), with htpasswd Basic auth (bcrypt entries from
 * perl's crypt(), i.e. libxcrypt) or token auth (a node token server in this process issuing
 * RS256 JWTs). Stopped by PID. Also: a fault-injecting proxy and the busybox image helper.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createSign, randomBytes, X509Certificate } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function haveRegistry(): boolean {
  const ok = existsSync("/usr/bin/docker-registry") || spawnSync("sh", ["-c", "command -v docker-registry"]).status === 0;
  if (!ok && process.env["CI"] === "true") throw new Error("docker-registry is required on CI (apt-get install docker-registry)");
  if (!ok) console.warn("(skipping: docker-registry is not installed)");
  return ok;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
}

export interface Tls {
  dir: string;
  caCert: string;
  cert: string;
  key: string;
}

/** A CA and a server certificate for 127.0.0.1/localhost, made with openssl. */
export function makeTls(dir: string): Tls {
  run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=kiln test CA"], dir);
  run("openssl", ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"], dir);
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n");
  run("openssl", ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "ext.cnf"], dir);
  return { dir, caCert: join(dir, "ca.crt"), cert: join(dir, "server.crt"), key: join(dir, "server.key") };
}

/**
 * An htpasswd line with a bcrypt hash. Node has no bcrypt and apache2-utils' htpasswd may be
 * missing; perl (always on Debian) calls libcrypt's crypt(), which is libxcrypt and does `$2b$`.
 */
export function htpasswdLine(user: string, password: string): string {
  const salt = randomBytes(16).toString("base64").replace(/[^A-Za-z0-9]/g, "").padEnd(22, "a").slice(0, 22).replace(/.$/, "u");
  const r = spawnSync("perl", ["-e", 'print crypt($ARGV[0], "\\$2b\\$05\\$" . $ARGV[1])', password, salt], { encoding: "utf8" });
  if (r.status !== 0 || !r.stdout.startsWith("$2b$")) throw new Error(`bcrypt through perl crypt() failed: ${r.stdout}${r.stderr}`);
  return `${user}:${r.stdout}`;
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certFile: string;
  /** Requests seen: [user or "", scopes]. */
  requests: { user: string; scopes: string[] }[];
  close(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/**
 * A token server on 127.0.0.1: Basic auth against `users`, grants every requested action on
 * `repository:` scopes to known users (pull only for users listed in `readOnly`), nothing to
 * anonymous callers. Tokens are RS256 JWTs with the signing certificate in `x5c`.
 */
export async function startTokenServer(dir: string, users: Record<string, string>, options: { readOnly?: string[]; lifetime?: number } = {}): Promise<TokenServer> {
  run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "token.key", "-out", "token.crt", "-days", "2", "-subj", "/CN=kiln test token issuer"], dir);
  const key = readFileSync(join(dir, "token.key"), "utf8");
  const certPem = readFileSync(join(dir, "token.crt"), "utf8");
  const der = new X509Certificate(certPem).raw;
  const service = "kiln-test-registry";
  const issuer = "kiln-test-issuer";
  const requests: TokenServer["requests"] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const auth = req.headers.authorization ?? "";
    let user = "";
    if (auth.startsWith("Basic ")) {
      const [u, ...rest] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
      if (users[u!] === undefined || users[u!] !== rest.join(":")) {
        res.writeHead(401, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ details: "incorrect username or password" }));
        return;
      }
      user = u!;
    }
    const scopes = url.searchParams.getAll("scope");
    requests.push({ user, scopes });
    const access = scopes.flatMap((s) => {
      const m = /^repository:(.+):([a-z,*]+)$/.exec(s);
      if (!m || !user) return [];
      const actions = m[2]!.split(",").filter((a) => a === "pull" || !(options.readOnly ?? []).includes(user));
      return [{ type: "repository", name: m[1]!, actions }];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: "RS256", typ: "JWT", x5c: [der.toString("base64")] };
    const claims = { iss: issuer, sub: user, aud: service, exp: now + (options.lifetime ?? 300), nbf: now - 10, iat: now, jti: randomBytes(8).toString("hex"), access };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign("RSA-SHA256").update(signingInput).sign(key);
    const token = `${signingInput}.${b64url(signature)}`;
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ token, access_token: token, expires_in: options.lifetime ?? 300, issued_at: new Date().toISOString() }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certFile: join(dir, "token.crt"),
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export interface RegistryOptions {
  tls?: Tls;
  /** htpasswd file contents (use htpasswdLine). */
  htpasswd?: string;
  token?: TokenServer;
}

export interface RegistryServer {
  /** `127.0.0.1:PORT`: the registry part of references. */
  host: string;
  port: number;
  url: string;
  dir: string;
  process: ChildProcess;
  /** Restarts the registry on the same port and storage (after a kill mid-push). */
  restart(): Promise<void>;
  /** Kills the registry (SIGKILL, by PID) without cleaning up: "disappears". */
  kill(): void;
  stop(): Promise<void>;
}

async function waitForV2(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${log()}`);
    const status = await new Promise<number>((resolve) => {
      const mod = url.startsWith("https:") ? https : http;
      const req = mod.get(`${url}/v2/`, { rejectUnauthorized: false, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", () => resolve(0));
      req.setTimeout(1000, () => req.destroy());
    });
    if (status === 200 || status === 401) return;
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer /v2/ at ${url}: ${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts `docker-registry serve` with a config written to a temp dir; waits for /v2/. */
export async function startRegistry(options: RegistryOptions = {}): Promise<RegistryServer> {
  const dir = mkdtempSync(join(tmpdir(), "kiln-registry-"));
  const port = await freePort();
  const lines = [
    "version: 0.1",
    "log:",
    "  level: error",
    "  accesslog:",
    "    disabled: true",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${join(dir, "data")}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString("hex")}`,
  ];
  if (options.tls) lines.push("  tls:", `    certificate: ${options.tls.cert}`, `    key: ${options.tls.key}`);
  if (options.htpasswd !== undefined) {
    writeFileSync(join(dir, "htpasswd"), `${options.htpasswd}\n`);
    lines.push("auth:", "  htpasswd:", "    realm: kiln-test", `    path: ${join(dir, "htpasswd")}`);
  } else if (options.token) {
    const t = options.token;
    lines.push("auth:", "  token:", `    realm: ${t.realm}`, `    service: ${t.service}`, `    issuer: ${t.issuer}`, `    rootcertbundle: ${t.certFile}`);
  }
  writeFileSync(join(dir, "config.yml"), `${lines.join("\n")}\n`);
  const url = `${options.tls ? "https" : "http"}://127.0.0.1:${port}`;
  let child!: ChildProcess;
  let output = "";
  const launch = async () => {
    output = "";
    child = spawn("docker-registry", ["serve", join(dir, "config.yml")], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, OTEL_TRACES_EXPORTER: "none" } });
    child.stdout!.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    child.stderr!.on("data", (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
    await waitForV2(url, child, () => output);
  };
  // a child killed by a signal has exitCode null and signalCode set
  const running = () => child.exitCode === null && child.signalCode === null;
  const killIt = () => {
    if (running() && child.pid !== undefined) {
      try {
        process.kill(child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  await launch();
  const server: RegistryServer = {
    host: `127.0.0.1:${port}`,
    port,
    url,
    dir,
    get process() {
      return child;
    },
    async restart() {
      killIt();
      if (running()) await new Promise((r) => child.once("exit", r));
      await launch();
    },
    kill: killIt,
    async stop() {
      killIt();
      if (running()) await new Promise((r) => child.once("exit", r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

export type Fault =
  /** Flip one byte in the middle of blob GET bodies (of `match`ing requests, `GET /v2/…/blobs/sha256:…`). */
  | { kind: "corrupt-blob"; match?: RegExp }
  /** Close the connection after half of a blob GET body (`count` times; default always). */
  | { kind: "truncate-blob"; count?: number }
  /** Answer the next `count` matching requests with `status` (and Retry-After when given). */
  | { kind: "status"; status: number; count: number; retryAfter?: number; match?: RegExp }
  /** Drop the connection after `afterBytes` of an upload body (PATCH/PUT of blobs), `count` times. */
  | { kind: "drop-upload"; afterBytes: number; count: number };

export interface FaultProxy {
  host: string;
  faults: Fault[];
  /** Requests seen (method path), for assertions. */
  log: string[];
  /** Authorization headers seen (to check kiln sends them only where it should). */
  close(): Promise<void>;
}

/** A plain-HTTP proxy on 127.0.0.1 in front of `target` (an http URL) that injects `faults`. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const state: FaultProxy = { host: "", faults: [], log: [], close: async () => {} };
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? "/";
    state.log.push(`${req.method} ${path.replace(/\?.*$/, "")}`);
    const isBlobGet = req.method === "GET" && /\/blobs\/sha256:/.test(path);
    const isUpload = (req.method === "PATCH" || req.method === "PUT") && /\/blobs\/uploads\//.test(path);
    const statusFault = state.faults.find((f): f is Extract<Fault, { kind: "status" }> => f.kind === "status" && f.count > 0 && (!f.match || f.match.test(`${req.method} ${path}`)));
    if (statusFault) {
      statusFault.count--;
      req.resume();
      res.writeHead(statusFault.status, { "Content-Type": "application/json", ...(statusFault.retryAfter !== undefined ? { "Retry-After": String(statusFault.retryAfter) } : {}) });
      res.end(JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "injected fault" }] }));
      return;
    }
    const drop = isUpload ? state.faults.find((f): f is Extract<Fault, { kind: "drop-upload" }> => f.kind === "drop-upload" && f.count > 0) : undefined;
    const headers = { ...req.headers, host: upstream.host };
    const preq = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path, headers }, (pres) => {
      const h = { ...pres.headers };
      // keep Location pointing through the proxy
      if (typeof h.location === "string") h.location = h.location.replace(upstream.host, state.host);
      const corrupt = isBlobGet && pres.statusCode === 200 && state.faults.some((f) => f.kind === "corrupt-blob" && (!f.match || f.match.test(`${req.method} ${path}`)));
      const tf = state.faults.find((f): f is Extract<Fault, { kind: "truncate-blob" }> => f.kind === "truncate-blob" && (f.count === undefined || f.count > 0));
      const length = Number(pres.headers["content-length"] ?? 0);
      const truncate = isBlobGet && (pres.statusCode === 200 || pres.statusCode === 206) && tf !== undefined && length > 1;
      if (truncate && tf.count !== undefined) tf.count--;
      res.writeHead(pres.statusCode ?? 502, h);
      let seen = 0;
      let flipped = false;
      pres.on("data", (chunk: Buffer) => {
        let c = chunk;
        if (corrupt && !flipped && seen + c.length > length / 2) {
          c = Buffer.from(c);
          const at = Math.max(0, Math.floor(length / 2) - seen);
          c[at] = c[at]! ^ 0xff;
          flipped = true;
        }
        if (truncate && seen + c.length > length / 2) {
          // headers and half the body reach the client, then the connection drops
          pres.destroy();
          const socket = res.socket;
          res.write(c.subarray(0, Math.max(1, Math.floor(length / 2) - seen)), () => socket?.destroy());
          return;
        }
        seen += c.length;
        res.write(c);
      });
      pres.on("end", () => res.end());
      pres.on("error", () => res.destroy());
    });
    preq.on("error", () => res.destroy());
    if (drop) {
      let seen = 0;
      req.on("data", (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > drop.afterBytes && drop.count > 0) {
          drop.count--;
          req.socket.destroy();
          preq.destroy();
          return;
        }
        preq.write(chunk);
      });
      req.on("end", () => preq.end());
    } else req.pipe(preq);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  state.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return state;
}
