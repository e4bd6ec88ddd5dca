/**
 * Pulls on download threads (registry/blob-threads.ts, registry/blob-worker.ts): a layer from
 * `threadedFrom` bytes is fetched, hashed and written on a worker thread and committed by the
 * main thread. The store must not tell the difference: the same blobs and names as a pull on the
 * main thread, nothing unverified kept when a thread's download is corrupt or cut off, cut
 * connections resumed on the thread, a 401 answered with a new token from the main thread, TLS
 * options and credentials honoured there, and a pull killed in the middle (the CLI bundle, whose
 * thread runs the bundled worker source) leaves only verified blobs and temp files the next pull
 * removes. The whole pull specification of faults and anonymous.test.ts also runs threaded.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as http from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { digestHex, parseReference } from "../../image/index.js";
import { pullImage, pushFromStore, RegistryClient, type PullOptions } from "../../registry/index.js";
import { kilnLauncher } from "../bin/helpers.js";
import { haveRegistry, htpasswdLine, makeTls, startFaultProxy, startRegistry, startTokenServer, type FaultProxy, type RegistryServer, type TokenServer } from "../helpers/registry.js";
import { busyboxImage, haveBusybox, randomTar, storeLayers, tempDir, withStore } from "./helpers.js";

const enabled = haveRegistry() && haveBusybox;
const t = tempDir("kiln-reg-threads-");
const src = join(t.dir, "src");
const PASSWORD = "thr34d-Pa55word!";
let reg: RegistryServer;
let proxy: FaultProxy;
let layerDigests: string[] = [];
let n = 0;

/** Every layer on a thread; two threads. */
const THREADED: PullOptions = { threads: 2, threadedFrom: 0 };
const UNTHREADED: PullOptions = { threads: 0 };

test.before(async () => {
  if (!enabled) return;
  reg = await startRegistry();
  proxy = await startFaultProxy(reg.url);
  // over 2 MiB each: half a layer is more than one 1 MiB write batch (the Ctrl-C test sees bytes on disk)
  const tars = await Promise.all([0, 1, 2, 3].map((i) => randomTar(`t${i}`, 2_200_000 + i * 300_000)));
  await withStore(src, (s) => storeLayers(s, tars, { names: [`${reg.host}/app:1`] }));
  const c = new RegistryClient({ env: {}, credentials: async () => undefined });
  await withStore(src, (s) => pushFromStore(c, s, `${reg.host}/app:1`));
  // the pushed layers are gzip: their digests are the registry manifest's, not the store's
  const pushed = await c.getManifest(parseReference(`${reg.host}/app:1`));
  layerDigests = (JSON.parse(pushed.bytes.toString()) as { layers: { digest: string }[] }).layers.map((l) => l.digest);
  assert.is(layerDigests.length, 4);
  c.close();
});
test.after(async () => {
  await proxy?.close();
  await reg?.stop();
  t.cleanup();
});

const fresh = () => join(t.dir, `dst${n++}`);
/** The GETs of the image's layers (not its config: that one is fetched on the main thread). */
const layersOnly = () => new RegExp(`^GET .*/blobs/(${layerDigests.join("|")})$`);
const client = () => new RegistryClient({ env: {}, credentials: async () => undefined, backoffMs: 20 });

/** name → sha256 of the content, for every blob; and that each blob's content is its name. */
function blobsOf(root: string): Map<string, string> {
  const dir = join(root, "blobs", "sha256");
  const out = new Map<string, string>();
  for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
    const hex = createHash("sha256").update(readFileSync(join(dir, name))).digest("hex");
    assert.is(hex, name, `blob ${name} holds other content`);
    out.set(name, hex);
  }
  return out;
}

function tmpFiles(root: string): string[] {
  const dir = join(root, "tmp");
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

test("threaded and unthreaded pulls make the same store; small layers stay on the main thread", async () => {
  if (!enabled) return;
  const c = client();
  const plain = fresh();
  const threaded = fresh();
  const a = await withStore(plain, (s) => pullImage(c, s, `${reg.host}/app:1`, UNTHREADED));
  const b = await withStore(threaded, (s) => pullImage(c, s, `${reg.host}/app:1`, THREADED));
  assert.is(a.threadedLayers, 0);
  assert.is(b.threadedLayers, 4);
  assert.is(b.record.digest, a.record.digest);
  assert.equal([...blobsOf(threaded).keys()], [...blobsOf(plain).keys()]);
  assert.is(blobsOf(threaded).size, 6, "manifest, config and 4 layers");
  assert.equal(JSON.parse(readFileSync(join(threaded, "index.json"), "utf8")), JSON.parse(readFileSync(join(plain, "index.json"), "utf8")));
  assert.equal(tmpFiles(threaded), []);

  // only the layers from threadedFrom go to a thread; none when no layer is that big
  const sizes = await withStore(threaded, async (s) => (await (await s.image(b.record)).layers()).map((l) => l.size));
  const from = [...sizes].sort((x, y) => x - y)[2]!;
  const some = await withStore(fresh(), (s) => pullImage(c, s, `${reg.host}/app:1`, { threads: 2, threadedFrom: from }));
  assert.is(some.threadedLayers, sizes.filter((x) => x >= from).length);
  const none = await withStore(fresh(), (s) => pullImage(c, s, `${reg.host}/app:1`, { threads: 2, threadedFrom: Math.max(...sizes) + 1 }));
  assert.is(none.threadedLayers, 0);
  // present layers are not downloaded again
  const again = await withStore(threaded, (s) => pullImage(c, s, `${reg.host}/app:1`, THREADED));
  assert.ok(again.upToDate);
  assert.is(again.threadedLayers, 0);
  c.close();
});

test("a corrupt byte on a thread: digest-mismatch naming the reference and the layer, nothing unverified stored, no temp file; a retry completes", async () => {
  if (!enabled) return;
  const root = fresh();
  const c = client();
  proxy.faults = [{ kind: "corrupt-blob", match: layersOnly() }];
  const err = await failure(() => withStore(root, (s) => pullImage(c, s, `${proxy.host}/app:1`, THREADED)));
  assert.is(err.code, "digest-mismatch", err.message);
  assert.match(err.message, new RegExp(`^layer \\d of 4 \\(sha256:[0-9a-f]{64}\\) of ${proxy.host}/app:1: expected sha256:`));
  for (const d of layerDigests) assert.not.ok(blobsOf(root).has(digestHex(d as `sha256:${string}`)), "unverified layer stored");
  assert.equal(tmpFiles(root), [], "no temp files left");
  proxy.faults = [];
  const ok = await withStore(root, (s) => pullImage(c, s, `${proxy.host}/app:1`, THREADED));
  assert.is(ok.threadedLayers, 4);
  assert.equal(tmpFiles(root), []);
  c.close();
});

test("a cut connection is resumed with Range on the thread; cut every time, a bounded registry-download error naming the reference", async () => {
  if (!enabled) return;
  const c = client();
  proxy.faults = [{ kind: "truncate-blob", count: 2 }];
  proxy.log.length = 0;
  const root = fresh();
  const r = await withStore(root, (s) => pullImage(c, s, `${proxy.host}/app:1`, THREADED));
  assert.is(r.threadedLayers, 4);
  assert.ok(proxy.log.filter((l) => l.startsWith("GET") && /\/blobs\/sha256:/.test(l)).length >= 4 + 1 + 2, "cut downloads asked again");
  assert.is(blobsOf(root).size, 6);

  const root2 = fresh();
  proxy.faults = [{ kind: "truncate-blob" }];
  const err = await failure(() => withStore(root2, (s) => pullImage(c, s, `${proxy.host}/app:1`, THREADED)));
  assert.is(err.code, "registry-download");
  assert.match(err.message, new RegExp(`of ${proxy.host}/app:1: download failed after \\d+ attempts at byte \\d+ of \\d+`));
  for (const d of layerDigests) assert.not.ok(blobsOf(root2).has(digestHex(d as `sha256:${string}`)));
  assert.equal(tmpFiles(root2), []);
  proxy.faults = [];
  c.close();
});

test("an HTTP error on a thread is the client's typed error naming the reference", async () => {
  if (!enabled) return;
  const c = client();
  const root = fresh();
  proxy.faults = [{ kind: "status", status: 403, count: 100, match: new RegExp(`^GET .*/blobs/${layerDigests[3]}`) }];
  const err2 = await failure(() => withStore(root, (s) => pullImage(c, s, `${proxy.host}/app:1`, THREADED)));
  assert.is(err2.code, "registry-denied");
  assert.match(err2.message, new RegExp(`^layer 4 of 4 \\(${layerDigests[3]}\\) of ${proxy.host}/app:1: access denied \\(UNAVAILABLE: injected fault\\)$`));
  assert.not.ok(blobsOf(root).has(digestHex(layerDigests[3] as `sha256:${string}`)));
  assert.equal(tmpFiles(root), []);
  proxy.faults = [];
  c.close();
});

test("TLS and Basic auth on the threads: the CA from --tls-ca and KILN_EXTRA_CA_CERTS, --insecure-registry", async () => {
  if (!enabled) return;
  const tls = makeTls(join(t.dir));
  const secure = await startRegistry({ tls, htpasswd: htpasswdLine("alice", PASSWORD) });
  try {
    const credentials = async () => ({ username: "alice", password: PASSWORD });
    const name = `${secure.host}/bb:1`;
    const pusher = new RegistryClient({ env: {}, caFiles: [tls.caCert], credentials });
    await withStore(fresh(), async (s) => {
      await busyboxImage(s, [name]);
      await pushFromStore(pusher, s, name);
    });
    pusher.close();
    for (const options of [{ caFiles: [tls.caCert], env: {} }, { env: { KILN_EXTRA_CA_CERTS: tls.caCert } }, { insecureRegistries: [secure.host], env: {} }]) {
      const c = new RegistryClient({ ...options, credentials });
      const r = await withStore(fresh(), (s) => pullImage(c, s, name, THREADED));
      assert.is(r.threadedLayers, 1, JSON.stringify(options));
      c.close();
    }
  } finally {
    await secure.stop();
  }
});

test("a 401 on a thread: the main thread drops the token and fetches a new one, and the thread asks again once", async () => {
  if (!enabled) return;
  let tokens: TokenServer | undefined;
  let tokenReg: RegistryServer | undefined;
  let front: FaultProxy | undefined;
  try {
    tokens = await startTokenServer(join(t.dir), { bob: PASSWORD });
    tokenReg = await startRegistry({ token: tokens });
    front = await startFaultProxy(tokenReg.url);
    const credentials = async () => ({ username: "bob", password: PASSWORD });
    const name = `${front.host}/team/app:1`;
    const bob = new RegistryClient({ env: {}, credentials });
    await withStore(src, async (s) => {
      await s.tag(`${reg.host}/app:1`, name);
      await pushFromStore(bob, s, name);
    });
    bob.close();
    const challenge = await new Promise<string>((resolve, reject) =>
      http.get(`${tokenReg!.url}/v2/`, (res) => {
        res.resume();
        resolve(String(res.headers["www-authenticate"]));
      }).on("error", reject),
    );
    // the registry refuses the token the biggest layer's request carries, as when it expired
    front.faults = [{ kind: "status", status: 401, count: 1, match: new RegExp(`^GET .*/blobs/${layerDigests[3]}`), headers: { "WWW-Authenticate": `${challenge},scope="repository:team/app:pull",error="invalid_token"` } }];
    front.log.length = 0;
    const c = new RegistryClient({ env: {}, credentials });
    tokens.requests.length = 0;
    const r = await withStore(fresh(), (s) => pullImage(c, s, name, THREADED));
    assert.is(r.threadedLayers, 4);
    assert.is(front.faults[0]!.kind === "status" && front.faults[0]!.count, 0, "the 401 was sent");
    assert.is(front.log.filter((l) => l === `GET /v2/team/app/blobs/${layerDigests[3]}`).length, 2, "asked again once");
    assert.is(tokens.requests.length, 2, "a new token after the 401");
    assert.ok(tokens.requests.every((q) => q.user === "bob" && q.scopes.includes("repository:team/app:pull")));
    c.close();
  } finally {
    await front?.close();
    await tokenReg?.stop();
    await tokens?.close();
  }
});

test("Ctrl-C in the middle of a threaded pull (the CLI bundle): only verified blobs in the store; the next pull removes the temp files and completes", async () => {
  if (!enabled || !existsSync(kilnLauncher)) return;
  const root = fresh();
  proxy.faults = [{ kind: "stall-blob", match: layersOnly() }];
  const child = spawn(kilnLauncher, ["--root", root, "pull", "-q", `${proxy.host}/app:1`], {
    env: { ...process.env, KILN_PULL_THREADS: "2", KILN_PULL_THREADED_FROM: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
  // wait until every layer's download stalls half-way: temp files with bytes in them
  const deadline = Date.now() + 20_000;
  for (;;) {
    const partial = tmpFiles(root).filter((f) => f.startsWith("blob.") && statSync(join(root, "tmp", f)).size > 0);
    if (partial.length >= 4) break;
    assert.ok(Date.now() < deadline, `no stalled downloads (${tmpFiles(root).join(", ")}): ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGINT");
  assert.is(await exited, "SIGINT", stderr);
  const kept = blobsOf(root); // asserts each blob is its digest
  for (const d of layerDigests) assert.not.ok(kept.has(digestHex(d as `sha256:${string}`)), "a half-downloaded layer in blobs/");
  assert.ok(tmpFiles(root).length >= 4, "the killed pull's temp files");
  proxy.faults = [];
  const c = client();
  const r = await withStore(root, (s) => pullImage(c, s, `${proxy.host}/app:1`, THREADED));
  c.close();
  assert.is(r.threadedLayers, 4);
  assert.is(blobsOf(root).size, 6);
  assert.equal(tmpFiles(root), [], "the dead pull's temp files removed");
});

test("the pull specification (faults, anonymous) passes with every layer downloaded on a thread", () => {
  if (!enabled) return;
  const uvu = fileURLToPath(new URL("../../../../node_modules/uvu/bin.js", import.meta.url));
  const here = fileURLToPath(new URL("..", import.meta.url)); // dist/lib/test/
  const r = spawnSync(process.execPath, [uvu, here, "registry/(faults|anonymous)\\.test\\.js"], {
    env: { ...process.env, KILN_PULL_THREADS: "2", KILN_PULL_THREADED_FROM: "0" },
    encoding: "utf8",
    timeout: 300_000,
  });
  assert.is(r.status, 0, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
  assert.match(r.stdout, /Passed:\s+\S*\d/);
  assert.not.match(r.stdout, /Total:\s+\S*0\b/);
});

test.run();
