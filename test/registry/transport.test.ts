/**
 * Transport (registry/transport.ts): which scheme a registry host speaks, decided once per host.
 * A loopback registry is asked over plain HTTP first (no TLS hello is ever sent to a plain
 * server); a loopback TLS registry is still found, after its 400 to the plain ping. The CA files
 * are read only when HTTPS is used, and an unreadable one is named.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Transport } from "../../registry/transport.js";
import { KilnError } from "../../util/errors.js";
import { makeTls, type Tls } from "../helpers/registry.js";

interface Served {
  host: string;
  requests: string[];
  /** Bytes that were not HTTP (a TLS hello to the plain server, a plain request to the TLS one). */
  protocolErrors: number;
  close(): Promise<void>;
}

function registryHandler(requests: string[]): http.RequestListener {
  return (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "Docker-Distribution-API-Version": "registry/2.0", "Content-Type": "application/json" });
    res.end("{}");
  };
}

async function listen(server: http.Server, served: Omit<Served, "host" | "close">): Promise<Served> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...served,
    host: `127.0.0.1:${port}`,
    get protocolErrors() {
      return served.protocolErrors;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function plainRegistry(): Promise<Served> {
  const state = { requests: [] as string[], protocolErrors: 0 };
  const server = http.createServer(registryHandler(state.requests));
  server.on("clientError", (_err, socket) => {
    state.protocolErrors++;
    socket.destroy();
  });
  return listen(server, state);
}

async function tlsRegistry(tls: Tls): Promise<Served> {
  const state = { requests: [] as string[], protocolErrors: 0 };
  const server = https.createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, registryHandler(state.requests));
  server.on("tlsClientError", () => state.protocolErrors++);
  return listen(server, state);
}

/** The KilnError `promise` rejects with (fails the test when it resolves or rejects otherwise). */
async function kilnErrorOf(promise: Promise<unknown>): Promise<KilnError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.instance(err, KilnError);
  return err as KilnError;
}

let dir = "";
let tls: Tls;

test.before(() => {
  dir = mkdtempSync(join(tmpdir(), "kiln-transport-"));
  tls = makeTls(dir);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

test("a loopback plain-HTTP registry is reached over HTTP without a TLS attempt", async () => {
  const reg = await plainRegistry();
  const transport = new Transport({ env: {} });
  try {
    const base = await transport.baseUrl(reg.host);
    assert.is(base.toString(), `http://${reg.host}/`);
    assert.is(reg.protocolErrors, 0, "no TLS hello reached the plain server");
    assert.equal(reg.requests, ["GET /v2/"]);
    // decided once per host
    await transport.baseUrl(reg.host);
    assert.equal(reg.requests, ["GET /v2/"]);
  } finally {
    transport.close();
    await reg.close();
  }
});

test("a loopback TLS registry is found after the plain ping fails, and its CA is trusted from --tls-ca", async () => {
  const reg = await tlsRegistry(tls);
  const transport = new Transport({ env: {}, caFiles: [tls.caCert] });
  try {
    const base = await transport.baseUrl(reg.host);
    assert.is(base.toString(), `https://${reg.host}/`);
    const res = await transport.request({ method: "GET", url: new URL("/v2/", base), what: "ping" });
    res.drain();
    assert.is(res.status, 200);
    assert.equal(reg.requests, ["GET /v2/", "GET /v2/"]);
  } finally {
    transport.close();
    await reg.close();
  }
});

test("CA files are read on the first HTTPS request only; an unreadable one is named", async () => {
  const missing = join(dir, `missing-${randomBytes(4).toString("hex")}.pem`);
  const plain = await plainRegistry();
  const secure = await tlsRegistry(tls);
  const transport = new Transport({ env: { KILN_EXTRA_CA_CERTS: missing } });
  try {
    assert.is((await transport.baseUrl(plain.host)).protocol, "http:");
    const err = await kilnErrorOf(transport.request({ method: "GET", url: new URL(`https://${secure.host}/v2/`), what: "ping" }));
    assert.is(err.code, "tls-ca-unreadable");
    assert.match(err.message, missing);
  } finally {
    transport.close();
    await plain.close();
    await secure.close();
  }
});

test("a closed loopback port is reported as unreachable, naming the host", async () => {
  const reg = await plainRegistry();
  const host = reg.host;
  await reg.close();
  const transport = new Transport({ env: {}, retries: 1 });
  try {
    const base = await transport.baseUrl(host);
    const err = await kilnErrorOf(transport.request({ method: "GET", url: new URL("/v2/", base), what: `registry ${host}` }));
    assert.is(err.code, "registry-unreachable");
    assert.match(err.message, host);
  } finally {
    transport.close();
  }
});

test.run();
