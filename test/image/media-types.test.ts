import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  ACCEPTED_MANIFEST_MEDIA_TYPES,
  MediaType,
  classifyMediaType,
  configMediaType,
  convertLayerMediaType,
  indexMediaType,
  isConfigMediaType,
  isIndexMediaType,
  isLayerMediaType,
  isManifestMediaType,
  isSchema1MediaType,
  layerCompression,
  layerMediaType,
  manifestMediaType,
  type MediaTypeInfo,
} from "../../image/media-types.js";
import { kilnError } from "./helpers.js";

const TABLE: [string, MediaTypeInfo][] = [
  ["application/vnd.oci.image.index.v1+json", { kind: "index", format: "oci" }],
  ["application/vnd.oci.image.manifest.v1+json", { kind: "manifest", format: "oci" }],
  ["application/vnd.oci.image.config.v1+json", { kind: "config", format: "oci" }],
  ["application/vnd.oci.empty.v1+json", { kind: "empty" }],
  ["application/vnd.oci.image.layer.v1.tar", { kind: "layer", format: "oci", compression: "none", distributable: true }],
  ["application/vnd.oci.image.layer.v1.tar+gzip", { kind: "layer", format: "oci", compression: "gzip", distributable: true }],
  ["application/vnd.oci.image.layer.v1.tar+zstd", { kind: "layer", format: "oci", compression: "zstd", distributable: true }],
  ["application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", { kind: "layer", format: "oci", compression: "gzip", distributable: false }],
  ["application/vnd.docker.distribution.manifest.list.v2+json", { kind: "index", format: "docker" }],
  ["application/vnd.docker.distribution.manifest.v2+json", { kind: "manifest", format: "docker" }],
  ["application/vnd.docker.container.image.v1+json", { kind: "config", format: "docker" }],
  ["application/vnd.docker.image.rootfs.diff.tar", { kind: "layer", format: "docker", compression: "none", distributable: true }],
  ["application/vnd.docker.image.rootfs.diff.tar.gzip", { kind: "layer", format: "docker", compression: "gzip", distributable: true }],
  ["application/vnd.docker.image.rootfs.diff.tar.zstd", { kind: "layer", format: "docker", compression: "zstd", distributable: true }],
  ["application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", { kind: "layer", format: "docker", compression: "gzip", distributable: false }],
  ["application/vnd.in-toto+json", { kind: "other" }],
  ["application/vnd.docker.plugin.v1+json", { kind: "other" }],
  ["text/plain", { kind: "other" }],
  // parameters and case, as HTTP Content-Type carries them
  ["Application/vnd.OCI.image.manifest.v1+json; charset=utf-8", { kind: "manifest", format: "oci" }],
];

for (const [mediaType, info] of TABLE) {
  test(`media type: ${mediaType}`, () => {
    assert.equal(classifyMediaType(mediaType), info);
    assert.is(isIndexMediaType(mediaType), info.kind === "index");
    assert.is(isManifestMediaType(mediaType), info.kind === "manifest");
    assert.is(isConfigMediaType(mediaType), info.kind === "config");
    assert.is(isLayerMediaType(mediaType), info.kind === "layer");
  });
}

test("media type: schema 1 is recognised only to be refused", async () => {
  for (const mt of [MediaType.DockerSchema1Manifest, MediaType.DockerSchema1SignedManifest, `${MediaType.DockerSchema1SignedManifest}; charset=utf-8`]) {
    assert.ok(isSchema1MediaType(mt));
    const err = await kilnError(() => classifyMediaType(mt, "docker.io/library/old:1"));
    assert.is(err.code, "unsupported-schema1");
    assert.ok(err.message.includes("docker.io/library/old:1 is a Docker image manifest schema 1"), err.message);
    assert.ok(err.message.includes("not supported"));
  }
  assert.not.ok(ACCEPTED_MANIFEST_MEDIA_TYPES.some(isSchema1MediaType));
  assert.is(ACCEPTED_MANIFEST_MEDIA_TYPES.length, 4);
});

test("media type: layer types by format and compression, and conversion", async () => {
  assert.is(layerMediaType("oci", "none"), MediaType.OciLayer);
  assert.is(layerMediaType("oci", "gzip"), MediaType.OciLayerGzip);
  assert.is(layerMediaType("docker", "gzip"), MediaType.DockerLayerGzip);
  assert.is(layerMediaType("docker", "zstd"), MediaType.DockerLayerZstd);
  assert.is(convertLayerMediaType(MediaType.OciLayerGzip, "docker"), MediaType.DockerLayerGzip);
  assert.is(convertLayerMediaType(MediaType.DockerLayer, "oci"), MediaType.OciLayer);
  assert.is(convertLayerMediaType(MediaType.DockerForeignLayerGzip, "oci"), MediaType.OciLayerNondistributableGzip);
  assert.is(convertLayerMediaType(MediaType.OciLayerNondistributable, "docker"), MediaType.DockerForeignLayer);
  assert.is(convertLayerMediaType(MediaType.OciLayerNondistributableZstd, "docker"), MediaType.OciLayerNondistributableZstd);
  assert.is(convertLayerMediaType(MediaType.OciConfig, "docker"), MediaType.OciConfig);
  assert.is(layerCompression(MediaType.DockerLayerGzip), "gzip");
  assert.is((await kilnError(() => layerCompression(MediaType.OciConfig))).code, "not-a-layer");
  assert.is(manifestMediaType("docker"), MediaType.DockerManifest);
  assert.is(indexMediaType("oci"), MediaType.OciIndex);
  assert.is(configMediaType("docker"), MediaType.DockerConfig);
});

test.run();
