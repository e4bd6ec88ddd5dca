/**
 * Faults between kiln and a real registry (the fault proxy of test/helpers/registry.ts) and bad
 * answers from a fake one: corrupt and truncated blobs, 5xx and 429 then success, dropped
 * uploads, a registry killed mid-push, unknown and schema 1 manifests. Each gives a clear error
 * naming the reference, nothing unverified enters the store, and a retry completes.
 */
import * as http from "node:http";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { digestHex, digestOf, parseReference } from "../../image/index.js";
import { pullImage, pushFromStore, RegistryClient } from "../../registry/index.js";
import { haveRegistry, startFaultProxy, startRegistry, type FaultProxy, type RegistryServer } from "../helpers/registry.js";
import { haveBusybox, kiln, randomTar, storeLayers, tempDir, withStore } from "./helpers.js";

const enabled = haveRegistry() && haveBusybox;
const t = tempDir("kiln-reg-faults-");
const src = join(t.dir, "src");
let reg: RegistryServer;
let proxy: FaultProxy;
let layerDigests: string[] = [];
let configDigest = "";
let n = 0;

test.before(async () => {
  if (!enabled) return;
  reg = await startRegistry();
  proxy = await startFaultProxy(reg.url);
  const tars = await Promise.all([0, 1, 2].map((i) => randomTar(`f${i}`, 400_000)));
  await withStore(src, (s) => storeLayers(s, tars, { names: [`${reg.host}/app:1`] }));
  const c = new RegistryClient({ env: {}, credentials: async () => undefined });
  await withStore(src, (s) => pushFromStore(c, s, `${reg.host}/app:1`));
  // the pushed layers are gzip: their digests are the registry's manifest's, not the store's
  const pushed = await c.getManifest(parseReference(`${reg.host}/app:1`));
  const manifest = JSON.parse(pushed.bytes.toString()) as { config: { digest: string }; layers: { digest: string }[] };
  layerDigests = manifest.layers.map((l) => l.digest);
  configDigest = manifest.config.digest;
  assert.is(layerDigests.length, 3);
  c.close();
});
test.after(async () => {
  await proxy?.close();
  await reg?.stop();
  t.cleanup();
});

const viaProxy = () => `${proxy.host}/app:1`;
const fresh = () => join(t.dir, `dst${n++}`);
const client = () => new RegistryClient({ env: {}, credentials: async () => undefined, backoffMs: 20 });

function blobsIn(root: string): string[] {
  const dir = join(root, "blobs", "sha256");
  return existsSync(dir) ? readdirSync(dir) : [];
}

async function failure(fn: () => Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error("expected a failure");
}

test("a corrupt byte in a layer: digest-mismatch naming the reference, no such blob stored; a retry completes", async () => {
  if (!enabled) return;
  const root = fresh();
  // the layers only: a corrupt config would fail the pull before any layer is fetched
  proxy.faults = [{ kind: "corrupt-blob", match: new RegExp(`^GET .*/blobs/(${layerDigests.join("|")})$`) }];
  const c = client();
  const err = await failure(() => withStore(root, (s) => pullImage(c, s, viaProxy())));
  assert.is(err.code, "digest-mismatch");
  assert.match(err.message, new RegExp(`^layer \\d of 3 \\(sha256:[0-9a-f]{64}\\) of ${proxy.host}/app:1: expected sha256:`));
  // only the config, fetched before the layers: no layer, not even under the digest of its corrupt bytes
  assert.equal(blobsIn(root), [digestHex(configDigest as `sha256:${string}`)], "unverified layer stored");
  assert.equal(readdirSync(join(root, "tmp")), [], "no temp files left");
  proxy.faults = [];
  const ok = await withStore(root, (s) => pullImage(c, s, viaProxy()));
  assert.ok(ok.record);
  c.close();
});

test("an unknown tag: manifest-unknown naming the reference, nothing stored", async () => {
  if (!enabled) return;
  const root = fresh();
  const c = client();
  const err = await failure(() => withStore(root, (s) => pullImage(c, s, `${proxy.host}/app:nope`)));
  assert.is(err.code, "manifest-unknown");
  assert.match(err.message, new RegExp(`${proxy.host}/app:nope: not found: manifest unknown`));
  assert.equal(blobsIn(root), []);
  const cli = await kiln(["pull", `${proxy.host}/app:nope`], { root, env: { DOCKER_CONFIG: join(t.dir, "nocfg") } });
  assert.is(cli.status, 1);
  assert.match(cli.stderr, /^kiln: .*app:nope: not found/m);
  c.close();
});

test("truncated downloads resume with Range; truncation every time fails after bounded attempts, then a retry completes", async () => {
  if (!enabled) return;
  const root = fresh();
  proxy.faults = [{ kind: "truncate-blob", count: 2 }];
  proxy.log.length = 0;
  const c = client();
  const r = await withStore(root, (s) => pullImage(c, s, viaProxy()));
  assert.ok(r.record);
  assert.ok(proxy.log.filter((l) => l.startsWith("GET") && l.includes("/blobs/")).length >= 6, "re-requested");

  const root2 = fresh();
  proxy.faults = [{ kind: "truncate-blob" }];
  const err = await failure(() => withStore(root2, (s) => pullImage(c, s, viaProxy())));
  assert.match(err.message, /app:1/);
  assert.match(err.message, /attempts/);
  for (const d of layerDigests) assert.not.ok(blobsIn(root2).includes(digestHex(d as `sha256:${string}`)));
  proxy.faults = [];
  assert.ok((await withStore(root2, (s) => pullImage(c, s, viaProxy()))).record);
  c.close();
});

test("500 three times then success; 429 with Retry-After is honoured; endless 503 is a bounded, clear error", async () => {
  if (!enabled) return;
  const c = client();
  proxy.faults = [{ kind: "status", status: 500, count: 3, match: /manifests/ }];
  assert.ok((await withStore(fresh(), (s) => pullImage(c, s, viaProxy()))).record);
  proxy.faults = [{ kind: "status", status: 429, count: 1, retryAfter: 1, match: /blobs/ }];
  const start = Date.now();
  assert.ok((await withStore(fresh(), (s) => pullImage(c, s, viaProxy()))).record);
  assert.ok(Date.now() - start >= 950, "waited for Retry-After");
  proxy.faults = [{ kind: "status", status: 503, count: 1000, match: /manifests/ }];
  const err = await failure(() => withStore(fresh(), (s) => pullImage(c, s, viaProxy())));
  assert.is(err.code, "registry-error");
  assert.match(err.message, /app:1/);
  assert.match(err.message, /503/);
  proxy.faults = [];
  c.close();
});

test("an upload dropped mid-blob is started again; the pushed image pulls back", async () => {
  if (!enabled) return;
  const name = `${proxy.host}/dropped:1`;
  const tars = [await randomTar("big", 3_000_000)];
  await withStore(src, (s) => storeLayers(s, tars, { names: [name] }));
  proxy.faults = [{ kind: "drop-upload", afterBytes: 1_000_000, count: 1 }];
  const c = client();
  const pushed = await withStore(src, (s) => pushFromStore(c, s, name));
  assert.is((proxy.faults[0] as { count: number }).count, 0, "the fault fired");
  // the streamed upload (made while compressing) failed; the stored gzip copy went up instead
  const [layer] = await withStore(src, async (s) => (await s.image(name)).layers());
  assert.ok(await withStore(src, (s) => s.compressedBlob(layer!.diffId, "gzip")), "the gzip copy is remembered");
  proxy.faults = [];
  const pulled = await withStore(fresh(), (s) => pullImage(c, s, name));
  assert.is(pulled.digest, pushed.digest);
  c.close();
});

test("an upload refused before it reads a byte (403 on POST) while compressing: a clear error, not a hang", async () => {
  if (!enabled) return;
  const name = `${proxy.host}/refused:1`;
  // bigger than the stream buffers, so a compressor nobody drains would stall
  const tars = [await randomTar("refused", 3_000_000)];
  await withStore(src, (s) => storeLayers(s, tars, { names: [name] }));
  proxy.faults = [{ kind: "status", status: 403, count: 100, match: /^POST .*\/blobs\/uploads\/$/ }];
  const c = client();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<string>((resolve) => (timer = setTimeout(() => resolve("hung"), 20_000)));
  const outcome = await Promise.race([failure(() => withStore(src, (s) => pushFromStore(c, s, name))), hung]);
  clearTimeout(timer);
  proxy.faults = [];
  assert.ok(typeof outcome !== "string", "the push settled");
  assert.match((outcome as Error).message, /refused:1/);
  assert.match((outcome as Error).message, /403|denied|forbidden/i);
  // the compressed copy still reached the store whole: a later push uses it
  const [layer] = await withStore(src, async (s) => (await s.image(name)).layers());
  assert.ok(await withStore(src, (s) => s.compressedBlob(layer!.diffId, "gzip")), "the gzip copy is kept");
  c.close();
});

test("a registry that disappears mid-push: clear error naming the reference; after restart the push completes", async () => {
  if (!enabled) return;
  const name = `${reg.host}/vanish:1`;
  const tars = await Promise.all([0, 1, 2, 3].map((i) => randomTar(`v${i}`, 2_000_000)));
  await withStore(src, (s) => storeLayers(s, tars, { names: [name] }));
  const c = new RegistryClient({ env: {}, credentials: async () => undefined, backoffMs: 20, retries: 2 });
  let killed = false;
  const err = await failure(() =>
    withStore(src, (s) =>
      pushFromStore(c, s, name, {
        onProgress: (e) => {
          // the first bytes of a layer: progress is reported at most every 100 ms after that,
          // and a layer can be up before a later report, so waiting for more is a race
          if (!killed && e.kind === "blob" && e.status === "pushing" && (e.current ?? 0) > 0) {
            killed = true;
            reg.kill();
          }
        },
      }),
    ),
  );
  assert.ok(killed, "killed mid-push");
  assert.match(err.message, /vanish:1/, err.message);
  assert.match(err.message, /cannot reach|upload failed/);
  await reg.restart();
  const c2 = client();
  const r = await withStore(src, (s) => pushFromStore(c2, s, name));
  assert.match(r.digest, /^sha256:/);
  assert.ok((await withStore(fresh(), (s) => pullImage(c2, s, name))).record);
  c.close();
  c2.close();
});

test("fake registry: unknown manifest media type, schema 1, an error echoing the Authorization header; nothing stored, no secrets", async () => {
  if (!enabled) return;
  const SECRET = "hunter2-very-secret";
  const schema1 = Buffer.from(JSON.stringify({ schemaVersion: 1, name: "x", tag: "old", fsLayers: [], history: [] }));
  const artifact = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.example.thing.v1+json", blobs: [] }));
  const server = http.createServer((req, res) => {
    const url = req.url ?? "";
    // Basic auth, so kiln sends the secret with every request
    if (!req.headers.authorization) return void res.writeHead(401, { "WWW-Authenticate": 'Basic realm="fake"' }).end();
    if (url === "/v2/") return void res.writeHead(200).end("{}");
    if (url.endsWith("/manifests/old")) return void res.writeHead(200, { "Content-Type": "application/vnd.docker.distribution.manifest.v1+prettyjws" }).end(schema1);
    if (url.endsWith("/manifests/old-json")) return void res.writeHead(200, { "Content-Type": "application/json" }).end(schema1);
    if (url.endsWith("/manifests/thing")) return void res.writeHead(200, { "Content-Type": "application/vnd.example.thing.v1+json", "Docker-Content-Digest": digestOf(artifact) }).end(artifact);
    if (url.endsWith("/manifests/echo")) {
      // a careless registry quoting the request's credentials back in its error
      const text = `denied for Authorization: ${req.headers.authorization} at http://u:${SECRET}@example.com/?token=${SECRET}`;
      return void res.writeHead(403, { "Content-Type": "application/json" }).end(JSON.stringify({ errors: [{ code: "DENIED", message: text }] }));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const root = fresh();
  const c = new RegistryClient({ env: {}, credentials: async () => ({ username: "u", password: SECRET }) });
  try {
    for (const [tag, code, re] of [
      ["old", "unsupported-schema1", /schema 1/],
      ["old-json", "unsupported-schema1", /schema 1/],
      ["thing", "unsupported-media-type", /unknown media type "application\/vnd\.example\.thing\.v1\+json"/],
    ] as const) {
      const err = await failure(() => withStore(root, (s) => pullImage(c, s, `${host}/x:${tag}`)));
      assert.is(err.code, code, `${tag}: ${err.message}`);
      assert.match(err.message, re);
      assert.match(err.message, new RegExp(`${host}/x:${tag}`));
    }
    assert.equal(blobsIn(root), []);
    const cfg = join(t.dir, "echo-cfg");
    mkdirSync(cfg, { recursive: true });
    writeFileSync(join(cfg, "config.json"), JSON.stringify({ auths: { [host]: { auth: Buffer.from(`u:${SECRET}`).toString("base64") } } }));
    const cli = await kiln(["pull", `${host}/x:echo`], { root, env: { DOCKER_CONFIG: cfg } });
    assert.is(cli.status, 1);
    assert.match(cli.stderr, new RegExp(`${host}/x:echo: access denied \\(DENIED: denied for Authorization: Basic \\*\\*\\*`));
    const output = cli.stdout + cli.stderr;
    assert.not.ok(output.includes(SECRET), output);
    assert.not.ok(output.includes(Buffer.from(`u:${SECRET}`).toString("base64")), output);
  } finally {
    c.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test.run();
