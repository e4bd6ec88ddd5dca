import { gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { canonicalJsonBytes } from "../../../image/canonical-json.js";
import { digestHex, digestOf } from "../../../image/digest.js";
import { readArchive, writeDockerArchive } from "../../../image/formats/index.js";
import { MediaType } from "../../../image/media-types.js";
import { parseReference } from "../../../image/reference.js";
import { readTar } from "../helpers.js";
import { configOf, diffIdsOf, layerBytes, layerOf, listDir, removeDir, sink, smallImage, streamOfBuffer, tarBytes, tempDir } from "./helpers.js";

async function save(entries: Parameters<typeof writeDockerArchive>[0]): Promise<Buffer> {
  const s = sink();
  await writeDockerArchive(entries, s.stream);
  return s.done;
}

test("docker-archive: classic layout, manifest.json and repositories, deterministic", async () => {
  const image = await smallImage("x");
  const a = await save([{ image, tags: [parseReference("example.com/app:1"), "busybox"] }]);
  const b = await save([{ image, tags: [parseReference("example.com/app:1"), "busybox"] }]);
  assert.ok(a.equals(b), "same input, same bytes");
  const entries = await readTar(a);
  const names = entries.map((e) => e.header.name);
  const config = await image.rawConfig();
  const [l0, l1] = await image.layers();
  const expected = [
    `${digestHex(digestOf(config))}.json`,
    ...[l0!, l1!].map((l) => digestHex(l.diffId)).flatMap((h) => [`${h}/`, `${h}/layer.tar`]),
  ].sort((x, y) => (x.replace(/\/$/, "") < y.replace(/\/$/, "") ? -1 : 1));
  assert.equal(names, [...expected, "manifest.json", "repositories"]);
  const manifest = JSON.parse(entries.find((e) => e.header.name === "manifest.json")!.body.toString());
  assert.equal(manifest, [{
    Config: `${digestHex(digestOf(config))}.json`,
    RepoTags: ["example.com/app:1", "busybox:latest"],
    Layers: [`${digestHex(l0!.diffId)}/layer.tar`, `${digestHex(l1!.diffId)}/layer.tar`],
  }]);
  const repositories = JSON.parse(entries.find((e) => e.header.name === "repositories")!.body.toString());
  assert.equal(repositories, { "example.com/app": { "1": digestHex(l1!.diffId) }, busybox: { latest: digestHex(l1!.diffId) } });
});

test("docker-archive: load(save(x)) keeps config bytes, diffIds and layer contents; tags come back", async () => {
  const tmp = tempDir();
  try {
    const image = await smallImage("y");
    const archive = await save([{ image, tags: ["app:v1", "app:v2"] }]);
    const loaded = await readArchive(streamOfBuffer(archive), { tmpDir: tmp });
    assert.is(loaded.format, "docker-archive");
    assert.is(loaded.images.length, 1);
    const got = loaded.images[0]!;
    assert.equal(got.tags, ["app:v1", "app:v2"]);
    assert.ok((await got.image.rawConfig()).equals(await image.rawConfig()));
    assert.equal(await diffIdsOf(got.image), await diffIdsOf(image));
    assert.equal(await layerBytes(got.image), await layerBytes(image));
    assert.is(await got.image.mediaType(), MediaType.DockerManifest);
    const m = await got.image.manifest();
    assert.is(m.config.digest, digestOf(await image.rawConfig()));
    assert.ok(m.layers.every((l) => l.mediaType === MediaType.DockerLayer));
    assert.is(await got.image.digest(), digestOf(await got.image.rawManifest()));
    await loaded.cleanup();
    assert.equal(listDir(tmp), [], "cleanup removes the spool");
  } finally {
    removeDir(tmp);
  }
});

test("docker-archive: several images, shared layers written once, untagged image has RepoTags null", async () => {
  const tmp = tempDir();
  try {
    const a = await smallImage("a");
    const [base] = await a.layers();
    const extra = await layerOf([{ type: "file", path: "b.txt", body: Buffer.from("b") }]);
    const { newImage } = await import("../../../image/image.js");
    const b = newImage({ config: configOf([base!, extra]), layers: [base!, extra] });
    const archive = await save([{ image: a, tags: ["a:1"] }, { image: b }]);
    const names = (await readTar(archive)).map((e) => e.header.name);
    assert.is(names.filter((n) => n === `${digestHex(base!.diffId)}/layer.tar`).length, 1);
    const manifest = JSON.parse((await readTar(archive)).find((e) => e.header.name === "manifest.json")!.body.toString());
    assert.is(manifest[1].RepoTags, null);
    const loaded = await readArchive(streamOfBuffer(archive), { tmpDir: tmp });
    assert.equal(loaded.images.map((i) => i.tags), [["a:1"], []]);
    assert.equal(await diffIdsOf(loaded.images[1]!.image), [base!.diffId, extra.diffId]);
    await loaded.cleanup();
  } finally {
    removeDir(tmp);
  }
});

test("docker-archive: gzip'ed layers in the source are written uncompressed (diffIds kept)", async () => {
  const tmp = tempDir();
  try {
    const image = await smallImage("gz", { mediaType: MediaType.OciLayerGzip });
    const archive = await save([{ image, tags: ["gz:1"] }]);
    const entries = await readTar(archive);
    for (const l of await image.layers()) {
      const body = entries.find((e) => e.header.name === `${digestHex(l.diffId)}/layer.tar`)!.body;
      assert.is(digestOf(body), l.diffId);
    }
    const loaded = await readArchive(streamOfBuffer(archive), { tmpDir: tmp });
    assert.equal(await diffIdsOf(loaded.images[0]!.image), await diffIdsOf(image));
    await loaded.cleanup();
    assert.equal(listDir(tmp), []);
  } finally {
    removeDir(tmp);
  }
});

test("docker-archive: reads a gzip'ed archive and gzip'ed layer.tar files inside, manifest.json first", async () => {
  const tmp = tempDir();
  try {
    const image = await smallImage("in");
    const config = await image.rawConfig();
    const layers = await layerBytes(image);
    const ids = await diffIdsOf(image);
    const manifest = [{ Config: "config.json", RepoTags: ["in:1"], Layers: ["l0/layer.tar", "l1/layer.tar"] }];
    const tar = await tarBytes([
      { type: "file", path: "manifest.json", body: Buffer.from(JSON.stringify(manifest)) },
      { type: "file", path: "config.json", body: config },
      { type: "file", path: "l0/layer.tar", body: gzipSync(layers[0]!) },
      { type: "file", path: "l1/layer.tar", body: layers[1]! },
    ]);
    const loaded = await readArchive(streamOfBuffer(gzipSync(tar)), { tmpDir: tmp });
    const got = loaded.images[0]!.image;
    assert.equal(await diffIdsOf(got), ids);
    const m = await got.manifest();
    assert.is(m.layers[0]!.mediaType, MediaType.DockerLayerGzip);
    assert.is(m.layers[1]!.mediaType, MediaType.DockerLayer);
    assert.equal(await layerBytes(got), layers);
    await loaded.cleanup();
  } finally {
    removeDir(tmp);
  }
});

test("docker-archive: reads Docker 25+'s OCI-based layout and keeps its exact manifest", async () => {
  const tmp = tempDir();
  try {
    const image = await smallImage("oci");
    const config = await image.rawConfig();
    const raw = await image.rawManifest();
    const digest = await image.digest();
    const hex = (d: string) => d.slice("sha256:".length);
    const layers = await image.layers();
    const bodies = await layerBytes(image);
    const index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [{ mediaType: MediaType.OciManifest, digest, size: raw.length, annotations: { "io.containerd.image.name": "docker.io/library/oci:1", "org.opencontainers.image.ref.name": "1" } }] };
    const manifest = [{ Config: `blobs/sha256/${hex(digestOf(config))}`, RepoTags: ["oci:1"], Layers: layers.map((l) => `blobs/sha256/${hex(l.digest)}`) }];
    const tar = await tarBytes([
      { type: "file", path: `blobs/sha256/${hex(digestOf(config))}`, body: config },
      { type: "file", path: `blobs/sha256/${hex(digest)}`, body: raw },
      ...layers.map((l, i) => ({ type: "file" as const, path: `blobs/sha256/${hex(l.digest)}`, body: bodies[i]! })),
      { type: "file", path: "index.json", body: canonicalJsonBytes(index) },
      { type: "file", path: "manifest.json", body: Buffer.from(JSON.stringify(manifest)) },
      { type: "file", path: "oci-layout", body: Buffer.from('{"imageLayoutVersion":"1.0.0"}') },
      { type: "file", path: "repositories", body: Buffer.from("{}") },
    ]);
    const loaded = await readArchive(streamOfBuffer(tar), { tmpDir: tmp });
    assert.is(loaded.format, "docker-archive");
    assert.equal(loaded.images[0]!.tags, ["oci:1"]);
    assert.is(await loaded.images[0]!.image.digest(), digest);
    assert.equal(await layerBytes(loaded.images[0]!.image), bodies);
    await loaded.cleanup();
  } finally {
    removeDir(tmp);
  }
});

test("docker-archive: a digest-only reference cannot name an image", async () => {
  const image = await smallImage();
  const s = sink();
  try {
    await writeDockerArchive([{ image, tags: [`app@sha256:${"a".repeat(64)}`] }], s.stream);
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code?: string }).code, "invalid-reference");
  }
});

test.run();
