import { gzipSync } from "node:zlib";
import { Readable } from "node:stream";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { digestOf } from "../../image/digest.js";
import { layerDescriptor, layerFromBytes, layerFromOpener, openUncompressed } from "../../image/layer.js";
import { MediaType } from "../../image/media-types.js";
import { createTar } from "../../image/tar.js";
import { collect, kilnError } from "./helpers.js";

const TAR = () => createTar([{ type: "file", path: "hello.txt", body: Buffer.from("hello\n") }]);

test("layer: uncompressed bytes: digest is the diffId; open() can be called again and again", async () => {
  const tar = await collect(TAR());
  const layer = layerFromBytes(tar);
  assert.is(layer.digest, digestOf(tar));
  assert.is(layer.diffId, layer.digest);
  assert.is(layer.size, tar.length);
  assert.is(layer.mediaType, MediaType.OciLayer);
  assert.ok((await collect(await layer.open())).equals(tar));
  assert.ok((await collect(await layer.open())).equals(tar));
  tar.fill(0); // the layer kept its own copy
  assert.is(digestOf(await collect(await layer.open())), layer.digest);
});

test("layer: gzip bytes: digest of the blob, diffId of the tar", async () => {
  const tar = await collect(TAR());
  const gz = gzipSync(tar);
  const layer = layerFromBytes(gz, { mediaType: MediaType.OciLayerGzip });
  assert.is(layer.digest, digestOf(gz));
  assert.is(layer.diffId, digestOf(tar));
  assert.is(layer.size, gz.length);
  assert.ok((await collect(await openUncompressed(layer))).equals(tar));
  assert.ok((await collect(await layer.open())).equals(gz));
});

test("layer: from an opener, digests are measured in one read", async () => {
  const tar = await collect(TAR());
  const gz = gzipSync(tar);
  let opened = 0;
  const layer = await layerFromOpener(() => {
    opened++;
    return Readable.from([gz.subarray(0, 10), gz.subarray(10)]);
  }, { mediaType: MediaType.DockerLayerGzip });
  assert.is(opened, 1);
  assert.is(layer.digest, digestOf(gz));
  assert.is(layer.diffId, digestOf(tar));
  assert.is(layer.size, gz.length);
  assert.ok((await collect(await layer.open())).equals(gz));
  assert.is(opened, 2);

  const plain = await layerFromOpener(() => TAR());
  assert.is(plain.digest, digestOf(tar));
  assert.is(plain.diffId, digestOf(tar));
});

test("layer: from an opener with known digests, nothing is read", async () => {
  let opened = 0;
  const d = digestOf("x");
  const layer = await layerFromOpener(() => {
    opened++;
    return Readable.from([Buffer.from("x")]);
  }, { digest: d, size: 1, urls: ["https://example.com/x"], annotations: { a: "b" } });
  assert.is(opened, 0);
  assert.is(layer.diffId, d);
  assert.equal(layerDescriptor(layer), { mediaType: MediaType.OciLayer, digest: d, size: 1, urls: ["https://example.com/x"], annotations: { a: "b" } });
});

test("layer: a given digest that the bytes do not match is refused", async () => {
  const err = await kilnError(() => layerFromOpener(() => Readable.from([Buffer.from("x")]), { digest: digestOf("y") }));
  assert.is(err.code, "digest-mismatch");
});

test("layer: non-layer media types are refused", async () => {
  assert.is((await kilnError(() => layerFromBytes(Buffer.from("{}"), { mediaType: MediaType.OciConfig }))).code, "not-a-layer");
});

test("layer: a corrupt gzip layer fails its uncompressed stream", async () => {
  const layer = layerFromBytes(Buffer.from("not gzip"), { mediaType: MediaType.OciLayerGzip, diffId: digestOf("") });
  try {
    await collect(await openUncompressed(layer));
    assert.unreachable("should fail");
  } catch (err) {
    assert.match(String(err), /header|gzip|check/i);
  }
});

test.run();
