/**
 * Push and pull against the real CNCF registry without auth (plain HTTP on 127.0.0.1): round
 * trips through two stores, skipped and mounted blobs, chunked uploads, push by digest, indexes
 * and platform selection, the CLI's output, and skopeo as the oracle both ways.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Readable } from "node:stream";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { gzipSync } from "node:zlib";
import { appendLayer, createTar, digestOf, emptyImage, layerFromBytes, MediaType, newIndex, openUncompressed, parseReference, type Digest } from "../../image/index.js";
import { compressor, GZIP_BLOCK_SIZE } from "../../image/formats/compression.js";
import { layerSources, openSnapshotter } from "../../runtime/index.js";
import type { KilnError } from "../../util/errors.js";
import { pullImage, pushFromStore, pushImage, RegistryClient, type TransferEvent } from "../../registry/index.js";
import { haveRegistry, startRegistry, type RegistryServer } from "../helpers/registry.js";
import { collect } from "../image/helpers.js";
import { busyboxImage, haveBusybox, kiln, randomTar, storeLayers, tempDir, withStore } from "./helpers.js";

const enabled = haveRegistry() && haveBusybox;
const t = tempDir("kiln-reg-anon-");
const rootA = join(t.dir, "a");
const rootB = join(t.dir, "b");
let reg: RegistryServer;

test.before(async () => {
  if (!enabled) return;
  reg = await startRegistry();
});
test.after(async () => {
  await reg?.stop();
  t.cleanup();
});

const client = () => new RegistryClient({ env: {}, credentials: async () => undefined });

test("a pulled gzip layer whose config lies about its diff_id: the pull is a blob copy, unpacking and reading its tar refuse it, the blob stays", async () => {
  if (!enabled) return;
  const name = `${reg.host}/lying:1`;
  const tar = await randomTar("payload", 64 * 1024);
  const claimed = digestOf(Buffer.from("another tar"));
  const lying = await appendLayer(emptyImage({ os: "linux", architecture: "amd64" }), layerFromBytes(gzipSync(tar), { mediaType: MediaType.OciLayerGzip, diffId: claimed }));
  const c = client();
  await pushImage(c, lying, name);
  const root = join(t.dir, "lying");
  await withStore(root, async (s) => {
    await pullImage(c, s, name);
    const img = await s.image(name);
    const [layer] = await img.layers();
    assert.ok(await s.hasBlob(layer!.digest), "the blob matched its digest and is stored");
    const snap = openSnapshotter("copy", { root: join(root, "snapshots") });
    try {
      await snap.prepare(await layerSources(img));
      assert.unreachable("unpacked a layer with a wrong diff_id");
    } catch (err) {
      assert.is((err as KilnError).code, "digest-mismatch", String(err));
      assert.match((err as Error).message, `layer 1 (${layer!.digest}): the uncompressed layer is ${digestOf(tar)}, but the image config lists diff_id ${claimed}`);
    }
    assert.not.ok(snap.has(claimed), "no snapshot kept");
    try {
      await collect(await openUncompressed(layer!));
      assert.unreachable("read a layer with a wrong diff_id");
    } catch (err) {
      assert.is((err as KilnError).code, "digest-mismatch", String(err));
    }
    assert.ok(await s.hasBlob(layer!.digest), "nothing good removed");
  });
});

test("push busybox, pull it into another store: same manifest, config and layer contents", async () => {
  if (!enabled) return;
  const name = `${reg.host}/busybox:1`;
  const source = await withStore(rootA, (s) => busyboxImage(s, [name]));
  const c = client();
  const events: TransferEvent[] = [];
  const pushed = await withStore(rootA, (s) => pushFromStore(c, s, name, { onProgress: (e) => events.push(e) }));
  assert.match(pushed.digest, /^sha256:[0-9a-f]{64}$/);
  assert.ok(events.some((e) => e.kind === "blob" && e.status === "pushed"));
  // the store remembered the gzip copy
  const diffId = (await (await source.layers())[0]!).diffId;
  assert.ok(await withStore(rootA, (s) => s.compressedBlob(diffId, "gzip")), "gzip copy remembered");

  const pulled = await withStore(rootB, (s) => pullImage(c, s, name));
  assert.is(pulled.digest, pushed.digest);
  assert.is(pulled.upToDate, false);
  await withStore(rootB, async (s) => {
    const img = await s.image(name);
    assert.is(await img.digest(), pushed.digest);
    assert.equal(await img.rawConfig(), await source.rawConfig());
    const [layer] = await img.layers();
    assert.is(layer!.mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
    const tar = await collect(await openUncompressed(layer!));
    const original = await collect(await (await source.layers())[0]!.open());
    assert.ok(tar.equals(original), "layer content round-trips");
  });
  const again = await withStore(rootB, (s) => pullImage(c, s, name));
  assert.is(again.upToDate, true);
  c.close();
});

test("a second push skips every blob (HEAD); another repository mounts them", async () => {
  if (!enabled) return;
  const c = client();
  const name = `${reg.host}/busybox:1`;
  const statuses = async (target: string) => {
    const events: TransferEvent[] = [];
    await withStore(rootA, async (s) => {
      if (target !== name) await s.tag(name, target);
      await pushFromStore(c, s, target, { onProgress: (e) => events.push(e) });
    });
    return events.filter((e) => e.kind === "blob" && ["pushed", "exists", "mounted"].includes(e.status)).map((e) => (e as { status: string }).status);
  };
  assert.equal(await statuses(name), ["exists"]);
  assert.equal(await statuses(`${reg.host}/other/copy:2`), ["mounted"]);
  c.close();
});

test("multi-layer image with chunked uploads; push by digest; layers pulled 4 at once", async () => {
  if (!enabled) return;
  const name = `${reg.host}/multi:latest`;
  const tars = await Promise.all([0, 1, 2, 3, 4].map((i) => randomTar(`f${i}`, 300_000 + i * 50_000)));
  await withStore(rootA, (s) => storeLayers(s, tars, { names: [name] }));
  const c = new RegistryClient({ env: {}, credentials: async () => undefined, chunkSize: 100_000 });
  const pushed = await withStore(rootA, (s) => pushFromStore(c, s, name));
  const byDigest = await withStore(rootA, (s) => pushFromStore(c, s, name, { target: `${reg.host}/multi@${pushed.digest}` }));
  assert.is(byDigest.digest, pushed.digest);
  const pulled = await withStore(rootB, (s) => pullImage(c, s, `${reg.host}/multi@${pushed.digest}`));
  assert.is(pulled.manifestDigest, pushed.digest);
  await withStore(rootB, async (s) => {
    const layers = await (await s.image(pulled.record)).layers();
    assert.is(layers.length, 5);
    for (const [i, layer] of layers.entries()) assert.ok((await collect(await openUncompressed(layer))).equals(tars[i]!), `layer ${i}`);
  });
  c.close();
});

/** A tar of exactly `total` bytes (one file; header and end blocks are 1536 bytes) of compressible text with some noise. */
async function tarOfSize(name: string, total: number): Promise<Buffer> {
  const body = Buffer.alloc(total - 1536);
  const text = Buffer.from(`${name}: usr/lib/x86_64-linux-gnu/libexample.so.1.2.3 `);
  for (let i = 0; i < body.length; i++) body[i] = i % 4099 < 13 ? (i * 2654435761) >>> 24 : text[i % text.length]!;
  const tar = await collect(createTar([{ type: "file", path: name, body, mode: 0o644 }]));
  assert.is(tar.length, total, `tar of ${name}`);
  return tar;
}

test("layers at the parallel gzip's block boundaries (one block exactly, one block + 512, two blocks + 512): pushed compressed, gzip -t and zcat agree, pulled back verified, the same digests when compressed again", async () => {
  if (!enabled) return;
  const name = `${reg.host}/blocks:1`;
  const tars = await Promise.all([GZIP_BLOCK_SIZE, GZIP_BLOCK_SIZE + 512, 2 * GZIP_BLOCK_SIZE + 512].map((n, i) => tarOfSize(`f${i}`, n)));
  await withStore(rootA, (s) => storeLayers(s, tars, { names: [name] }));
  const c = client();
  const pushed = await withStore(rootA, (s) => pushFromStore(c, s, name));
  const pulled = await withStore(rootB, (s) => pullImage(c, s, name));
  assert.is(pulled.manifestDigest, pushed.digest);
  await withStore(rootB, async (s) => {
    const layers = await (await s.image(pulled.record)).layers();
    for (const [i, layer] of layers.entries()) {
      assert.is(layer.mediaType, MediaType.OciLayerGzip);
      const gz = await collect(await layer.open()); // the pulled blob, its digest verified
      assert.is(spawnSync("gzip", ["-t"], { input: gz }).status, 0, `gzip -t on layer ${i}`);
      const z = spawnSync("zcat", [], { input: gz, maxBuffer: 16 << 20 });
      assert.ok(z.stdout.equals(tars[i]!), `zcat restores layer ${i}`);
      assert.ok((await collect(await openUncompressed(layer))).equals(tars[i]!), `layer ${i}: its diff_id verifies`);
      const again = await collect(Readable.from([tars[i]!]).pipe(compressor("gzip")!));
      assert.is(digestOf(again), layer.digest, `layer ${i} compressed again: the same digest`);
    }
  });
  c.close();
});

test("an index: the host's platform by default, --platform picks another, a missing one is a clear error", async () => {
  if (!enabled) return;
  const c = client();
  const name = `${reg.host}/multiarch:1`;
  const [amd, arm] = await withStore(rootA, async (s) => [
    await storeLayers(s, [await randomTar("amd", 1000)], { platform: { os: "linux", architecture: "amd64" } }),
    await storeLayers(s, [await randomTar("arm", 1000)], { platform: { os: "linux", architecture: "arm64", variant: "v8" } }),
  ]);
  const index = await newIndex([{ item: amd! }, { item: arm! }]);
  const { pushIndex } = await import("../../registry/index.js");
  const pushed = await pushIndex(c, index, name);
  assert.is(pushed.digest, await index.digest());
  const got = await withStore(rootB, (s) => pullImage(c, s, name, { platform: "linux/arm64" }));
  assert.is(got.digest, pushed.digest);
  assert.is(got.manifestDigest, await arm!.digest());
  const def = await withStore(rootB, (s) => pullImage(c, s, name, { platform: "linux/amd64" }));
  assert.is(def.manifestDigest, await amd!.digest());
  try {
    await withStore(rootB, (s) => pullImage(c, s, name, { platform: "linux/s390x" }));
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, "no-matching-platform");
    assert.match(String(err), /linux\/amd64, linux\/arm64\/v8/);
    assert.match(String(err), /multiarch:1/);
  }
  c.close();
});

test("kiln pull/push print docker's lines; unknown tag and refused connection name the reference", async () => {
  if (!enabled) return;
  const name = `${reg.host}/busybox:1`;
  const root = join(t.dir, "cli");
  const pull = await kiln(["pull", name], { root });
  assert.is(pull.status, 0, pull.stderr);
  const lines = pull.stdout.trim().split("\n");
  assert.is(lines[0], `1: Pulling from ${reg.host}/busybox`);
  assert.match(pull.stdout, /^[0-9a-f]{12}: Pull complete$/m);
  assert.match(pull.stdout, /^Digest: sha256:[0-9a-f]{64}$/m);
  assert.is(lines.at(-2), `Status: Downloaded newer image for ${name}`);
  assert.is(lines.at(-1), name);
  const again = await kiln(["pull", "-q", name], { root });
  assert.is(again.stdout, `${name}\n`);
  const push = await kiln(["push", name], { root });
  assert.is(push.status, 0, push.stderr);
  assert.match(push.stdout, new RegExp(`^The push refers to repository \\[${reg.host}/busybox\\]$`, "m"));
  assert.match(push.stdout, /^[0-9a-f]{12}: Layer already exists$/m);
  assert.match(push.stdout, /^1: digest: sha256:[0-9a-f]{64} size: \d+$/m);
  const missing = await kiln(["pull", `${reg.host}/busybox:nope`], { root });
  assert.is(missing.status, 1);
  assert.match(missing.stderr, new RegExp(`${reg.host}/busybox:nope: not found: manifest unknown`));
  const zstd = await kiln(["push", "--compression", "zstd", name], { root });
  if (!process.versions.node.startsWith("2") || Number(process.versions.node.split(".")[0]) < 22) {
    assert.is(zstd.status, 1);
    assert.match(zstd.stderr, /zstd needs Node\.js/);
  }
  const unknown = await kiln(["push", `${reg.host}/not-in-store:1`], { root });
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, /No such image/);
});

test("skopeo copies what kiln pushed with the same digests; kiln pulls what skopeo pushed", async () => {
  if (!enabled || spawnSync("sh", ["-c", "command -v skopeo"]).status !== 0) return;
  const name = `${reg.host}/multi:latest`;
  const inspect = spawnSync("skopeo", ["inspect", "--tls-verify=false", "--raw", `docker://${name}`], { encoding: "utf8" });
  assert.is(inspect.status, 0, inspect.stderr);
  const layout = join(t.dir, "layout");
  const copy = spawnSync("skopeo", ["copy", "--src-tls-verify=false", `docker://${name}`, `oci:${layout}:x`], { encoding: "utf8" });
  assert.is(copy.status, 0, copy.stderr);
  const pushedDigest = await withStore(rootA, async (s) => {
    const c = client();
    try {
      return (await pushFromStore(c, s, name)).digest;
    } finally {
      c.close();
    }
  });
  const index = JSON.parse(spawnSync("cat", [join(layout, "index.json")], { encoding: "utf8" }).stdout) as { manifests: { digest: Digest }[] };
  assert.is(index.manifests[0]!.digest, pushedDigest, "skopeo stored the manifest kiln pushed, unchanged");

  // the other way: skopeo pushes a docker-archive, kiln pulls it
  const archive = join(t.dir, "bb.tar");
  const save = await kiln(["save", "-o", archive, `${reg.host}/busybox:1`], { root: rootA });
  assert.is(save.status, 0, save.stderr);
  const target = `${reg.host}/from-skopeo:v1`;
  const up = spawnSync("skopeo", ["copy", "--dest-tls-verify=false", `docker-archive:${archive}`, `docker://${target}`], { encoding: "utf8" });
  assert.is(up.status, 0, up.stderr);
  const skopeoDigest = JSON.parse(spawnSync("skopeo", ["inspect", "--tls-verify=false", `docker://${target}`], { encoding: "utf8" }).stdout).Digest as string;
  const pulled = await kiln(["pull", target], { root: rootB });
  assert.is(pulled.status, 0, pulled.stderr);
  assert.match(pulled.stdout, new RegExp(`Digest: ${skopeoDigest}`));
  const inspected = await kiln(["inspect", target], { root: rootB });
  const ours = JSON.parse((await kiln(["inspect", `${reg.host}/busybox:1`], { root: rootA })).stdout)[0];
  assert.equal(JSON.parse(inspected.stdout)[0].RootFS.Layers, ours.RootFS.Layers, "same diff_ids");
});

test("pulling a reference pinned to a digest refuses content with another digest", async () => {
  if (!enabled) return;
  const c = client();
  const wrong = `${reg.host}/busybox@sha256:${"0".repeat(64)}`;
  try {
    await withStore(rootB, (s) => pullImage(c, s, wrong));
    assert.unreachable();
  } catch (err) {
    assert.match(String((err as Error).message), /busybox@sha256:0{64}/);
  }
  c.close();
  void parseReference;
  void pushImage;
});

test.run();
