import { test } from "uvu";
import * as assert from "uvu/assert";
import { digestOf } from "../../image/digest.js";
import { descriptorOf, emptyImage, formatPlatform, newImage, newIndex, parsePlatform, platformOf } from "../../image/image.js";
import { layerFromBytes } from "../../image/layer.js";
import { MediaType } from "../../image/media-types.js";
import { createTar } from "../../image/tar.js";
import { collect, kilnError } from "./helpers.js";

const AMD64 = { os: "linux", architecture: "amd64" };

test("emptyImage: the FROM scratch config shape", async () => {
  const img = emptyImage(AMD64);
  assert.equal(await img.config(), {
    architecture: "amd64",
    os: "linux",
    config: {},
    rootfs: { type: "layers", diff_ids: [] },
    history: [],
  });
  assert.equal(await img.layers(), []);
  assert.is((await img.rawConfig()).toString(), '{"architecture":"amd64","config":{},"history":[],"os":"linux","rootfs":{"diff_ids":[],"type":"layers"}}');
  const arm = emptyImage({ os: "linux", architecture: "arm64", variant: "v8" });
  assert.is((await arm.config()).variant, "v8");
});

test("emptyImage: an OCI manifest pointing at the config by digest", async () => {
  const img = emptyImage(AMD64);
  const raw = await img.rawConfig();
  const manifest = await img.manifest();
  assert.equal(manifest, {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: digestOf(raw), size: raw.length },
    layers: [],
  });
  assert.is(await img.mediaType(), MediaType.OciManifest);
  assert.is(await img.digest(), digestOf(await img.rawManifest()));
  assert.equal(JSON.parse((await img.rawManifest()).toString()), manifest);
});

test("emptyImage: deterministic, and Docker format on request", async () => {
  assert.is(await emptyImage(AMD64).digest(), await emptyImage({ architecture: "amd64", os: "linux" }).digest());
  const docker = emptyImage(AMD64, { format: "docker" });
  assert.is(await docker.mediaType(), MediaType.DockerManifest);
  assert.is((await docker.manifest()).config.mediaType, MediaType.DockerConfig);
  assert.is.not(await docker.digest(), await emptyImage(AMD64).digest());
});

test("image: documents are frozen; callers cannot change an image behind its digest", async () => {
  const img = emptyImage(AMD64);
  const config = await img.config();
  assert.throws(() => {
    (config.rootfs.diff_ids as string[]).push("x");
  });
  assert.throws(() => {
    (config as { os: string }).os = "windows";
  });
  assert.ok(Object.isFrozen(await img.manifest()));
  const raw = await img.rawManifest();
  raw.fill(0);
  assert.is(await img.digest(), digestOf(await img.rawManifest()));
});

test("newImage: layers listed with their digests; rootfs must match", async () => {
  const tar = await collect(createTar([{ type: "file", path: "f", body: Buffer.from("x") }]));
  const layer = layerFromBytes(tar);
  const config = { architecture: "amd64", os: "linux", rootfs: { type: "layers" as const, diff_ids: [layer.diffId] } };
  const img = newImage({ config, layers: [layer] });
  assert.equal((await img.manifest()).layers, [{ mediaType: MediaType.OciLayer, digest: layer.digest, size: layer.size }]);
  config.rootfs.diff_ids.push(layer.diffId); // the image copied its input
  assert.is((await img.config()).rootfs.diff_ids.length, 1);

  const err = await kilnError(() => newImage({ config: { ...config, rootfs: { type: "layers", diff_ids: [] } }, layers: [layer] }));
  assert.is(err.code, "invalid-image");
  assert.match(err.message, "diff_ids");
  assert.is((await kilnError(() => newImage({ config: { architecture: "", os: "linux", rootfs: { type: "layers", diff_ids: [] } }, layers: [] }))).code, "invalid-image");
});

test("newImage: a Docker-format image lists layers in Docker media types", async () => {
  const layer = layerFromBytes(await collect(createTar([])));
  const img = newImage({ config: { architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [layer.diffId] } }, layers: [layer], format: "docker", annotations: { k: "v" } });
  const m = await img.manifest();
  assert.is(m.layers[0]!.mediaType, MediaType.DockerLayer);
  assert.equal(m.annotations, { k: "v" });
});

test("newIndex: a multi-platform index over images", async () => {
  const amd = emptyImage(AMD64);
  const arm = emptyImage({ os: "linux", architecture: "arm64", variant: "v8" });
  const index = await newIndex([{ item: amd }, { item: arm, annotations: { x: "y" } }]);
  const doc = await index.manifest();
  assert.is(doc.mediaType, MediaType.OciIndex);
  assert.equal(doc.manifests.map((d) => [d.digest, d.platform, d.annotations]), [
    [await amd.digest(), { architecture: "amd64", os: "linux" }, undefined],
    [await arm.digest(), { architecture: "arm64", os: "linux", variant: "v8" }, { x: "y" }],
  ]);
  assert.is(doc.manifests[0]!.size, (await amd.rawManifest()).length);
  assert.is(await index.digest(), digestOf(await index.rawManifest()));
  assert.is(await (await index.image(await arm.digest())).digest(), await arm.digest());
  assert.is((await kilnError(() => index.image(digestOf("nope")))).code, "not-found");
  const amdDigest = await amd.digest();
  assert.is((await kilnError(() => index.index(amdDigest))).code, "not-found");

  const outer = await newIndex([{ item: index }], { format: "docker" });
  assert.is(await outer.mediaType(), MediaType.DockerManifestList);
  assert.is((await outer.manifest()).manifests[0]!.platform, undefined);
  assert.is(await (await outer.index(await index.digest())).digest(), await index.digest());
  assert.equal(await descriptorOf(amd), { mediaType: MediaType.OciManifest, digest: await amd.digest(), size: (await amd.rawManifest()).length });
});

test("platforms: parse and format", async () => {
  assert.equal(parsePlatform("linux/amd64"), { os: "linux", architecture: "amd64" });
  assert.equal(parsePlatform("linux/arm64/v8"), { os: "linux", architecture: "arm64", variant: "v8" });
  assert.is(formatPlatform({ os: "linux", architecture: "arm", variant: "v7" }), "linux/arm/v7");
  for (const bad of ["linux", "linux/", "a/b/c/d", "linux/am d64"]) {
    assert.is((await kilnError(() => parsePlatform(bad))).code, "invalid-platform");
  }
  assert.equal(platformOf({ architecture: "arm64", os: "linux", variant: "v8", rootfs: { type: "layers", diff_ids: [] } }), { architecture: "arm64", os: "linux", variant: "v8" });
});

test.run();
