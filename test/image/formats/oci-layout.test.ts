import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { digestOf } from "../../../image/digest.js";
import {
  readArchive,
  readOciLayout,
  writeDockerArchive,
  writeOciLayout,
  zstdAvailable,
  type LayerWritten,
} from "../../../image/formats/index.js";
import { MediaType } from "../../../image/media-types.js";
import { parseReference } from "../../../image/reference.js";
import { readTar } from "../helpers.js";
import { collect, kilnError } from "../helpers.js";
import { diffIdsOf, layerBytes, listDir, removeDir, sink, smallImage, streamOfBuffer, tempDir } from "./helpers.js";

test("oci-layout: directory with oci-layout, index.json (ref.name) and blobs; gzip by default; onLayer reports", async () => {
  const dir = tempDir();
  try {
    const image = await smallImage("o");
    const seen: LayerWritten[] = [];
    const written = await writeOciLayout(dir, [{ image, tags: ["v1", parseReference("example.com/app:2")] }], { onLayer: (l) => void seen.push(l) });
    assert.equal(JSON.parse(readFileSync(join(dir, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
    const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
    assert.is(index.manifests.length, 2);
    assert.equal(index.manifests.map((d: { annotations: Record<string, string> }) => d.annotations), [
      { "org.opencontainers.image.ref.name": "v1" },
      { "io.containerd.image.name": "example.com/app:2", "org.opencontainers.image.ref.name": "2" },
    ]);
    assert.is(written[0]!.digest, index.manifests[0].digest);
    const layers = await image.layers();
    assert.equal(seen.map((l) => l.diffId), layers.map((l) => l.diffId));
    assert.ok(seen.every((l) => l.mediaType === MediaType.OciLayerGzip && !l.unchanged && l.digest !== l.diffId));
    for (const l of seen) {
      const blob = readFileSync(join(dir, "blobs/sha256", l.digest.slice(7)));
      assert.is(digestOf(blob), l.digest);
      assert.is(blob.length, l.size);
    }
    assert.ok(!readdirSync(join(dir, "blobs/sha256")).some((n) => n.includes("partial") || n.startsWith(".")), "no temp files left");

    const read = await readOciLayout(dir);
    assert.is(read.length, 1);
    assert.equal(read[0]!.tags, ["v1", "example.com/app:2"]);
    assert.ok((await read[0]!.image.rawConfig()).equals(await image.rawConfig()));
    assert.equal(await diffIdsOf(read[0]!.image), await diffIdsOf(image));
    assert.equal(await layerBytes(read[0]!.image), await layerBytes(image));
    assert.ok((await read[0]!.image.manifest()).layers.every((l) => l.mediaType === MediaType.OciLayerGzip));
  } finally {
    removeDir(dir);
  }
});

test("oci-layout: copying a layout keeps manifest digests and gzip blobs byte for byte", async () => {
  const a = tempDir();
  const b = tempDir();
  try {
    await writeOciLayout(a, [{ image: await smallImage("c"), tags: ["t"] }]);
    const first = await readOciLayout(a);
    const seen: LayerWritten[] = [];
    await writeOciLayout(b, first, { onLayer: (l) => void seen.push(l) });
    assert.ok(seen.every((l) => l.unchanged));
    assert.is(readFileSync(join(a, "index.json"), "utf8"), readFileSync(join(b, "index.json"), "utf8"));
    const second = await readOciLayout(b);
    assert.is(await second[0]!.image.digest(), await first[0]!.image.digest());
  } finally {
    removeDir(a);
    removeDir(b);
  }
});

test("oci-layout: OCI → docker-archive → OCI gives the same manifest digest, config and diffIds", async () => {
  const a = tempDir();
  const b = tempDir();
  const tmp = tempDir();
  try {
    await writeOciLayout(a, [{ image: await smallImage("r"), tags: ["r"] }]);
    const [src] = await readOciLayout(a);
    const s = sink();
    await writeDockerArchive([{ image: src!.image, tags: ["r:1"] }], s.stream, { tmpDir: tmp });
    const loaded = await readArchive(streamOfBuffer(await s.done), { tmpDir: tmp });
    assert.ok((await loaded.images[0]!.image.rawConfig()).equals(await src!.image.rawConfig()));
    await writeOciLayout(b, [{ image: loaded.images[0]!.image, tags: ["r"] }]);
    await loaded.cleanup();
    const [back] = await readOciLayout(b);
    assert.is(await back!.image.digest(), await src!.image.digest());
    assert.equal(await diffIdsOf(back!.image), await diffIdsOf(src!.image));
    assert.equal(listDir(tmp), []);
  } finally {
    removeDir(a);
    removeDir(b);
    removeDir(tmp);
  }
});

test("oci-layout: compression none keeps uncompressed layers; docker manifests become OCI", async () => {
  const dir = tempDir();
  try {
    const image = await smallImage("n", { format: "docker" });
    await writeOciLayout(dir, [{ image }], { compression: "none" });
    const [got] = await readOciLayout(dir);
    assert.equal(got!.tags, []);
    const m = await got!.image.manifest();
    assert.is(await got!.image.mediaType(), MediaType.OciManifest);
    assert.is(m.config.mediaType, MediaType.OciConfig);
    assert.equal(m.layers.map((l) => l.digest), await diffIdsOf(image));
    assert.ok(m.layers.every((l) => l.mediaType === MediaType.OciLayer));
  } finally {
    removeDir(dir);
  }
});

test("oci-layout: writing into an existing layout merges index.json; same ref.name is replaced", async () => {
  const dir = tempDir();
  try {
    await writeOciLayout(dir, [{ image: await smallImage("1"), tags: ["one", "latest"] }]);
    await writeOciLayout(dir, [{ image: await smallImage("2"), tags: ["latest"] }]);
    const read = await readOciLayout(dir);
    assert.equal(read.map((r) => r.tags), [["one"], ["latest"]]);
    assert.is((await read[1]!.image.config()).rootfs.diff_ids.length, 2);
  } finally {
    removeDir(dir);
  }
});

test("oci-layout: tar of a layout streams out and reads back with readArchive", async () => {
  const tmp = tempDir();
  try {
    const image = await smallImage("t");
    const s = sink();
    await writeOciLayout(s.stream, [{ image, tags: ["x"] }], { tmpDir: tmp });
    const tar = await s.done;
    const names = (await readTar(tar)).map((e) => e.header.name);
    assert.ok(names.includes("oci-layout") && names.includes("index.json") && names.includes("blobs/sha256/"));
    assert.equal(listDir(tmp), [], "spooled layers removed");
    const loaded = await readArchive(streamOfBuffer(tar), { tmpDir: tmp });
    assert.is(loaded.format, "oci-archive");
    assert.equal(loaded.images[0]!.tags, ["x"]);
    assert.equal(await diffIdsOf(loaded.images[0]!.image), await diffIdsOf(image));
    await loaded.cleanup();
  } finally {
    removeDir(tmp);
  }
});

test("oci-layout: zstd without Node support is a clear error before anything is written", async () => {
  if (zstdAvailable()) return;
  const dir = tempDir();
  const image = await smallImage();
  try {
    const err = await kilnError(() => writeOciLayout(join(dir, "out"), [{ image }], { compression: "zstd" }));
    assert.is(err.code, "unsupported-compression");
    assert.match(err.message, /zstd/);
    assert.ok(!existsSync(join(dir, "out")));
  } finally {
    removeDir(dir);
  }
});

test("oci-layout: reuse supplies remembered gzip copies; onLayer can read each new blob", async () => {
  const a = tempDir();
  const b = tempDir();
  try {
    const image = await smallImage("u");
    const kept = new Map<string, Buffer>();
    await writeOciLayout(a, [{ image }], {
      onLayer: async (l) => {
        assert.ok(!l.reused);
        kept.set(l.diffId, await collect(await l.open()));
      },
    });
    const { layerFromBytes } = await import("../../../image/layer.js");
    let reusedCount = 0;
    await writeOciLayout(b, [{ image }], {
      reuse: async (layer, compression) => {
        assert.is(compression, "gzip");
        const bytes = kept.get(layer.diffId);
        return bytes ? layerFromBytes(bytes, { mediaType: MediaType.OciLayerGzip }) : undefined;
      },
      onLayer: (l) => void (reusedCount += l.reused ? 1 : 0),
    });
    assert.is(reusedCount, 2);
    assert.is(readFileSync(join(a, "index.json"), "utf8"), readFileSync(join(b, "index.json"), "utf8"));
  } finally {
    removeDir(a);
    removeDir(b);
  }
});

test("oci-layout: a directory that is not a layout is refused", async () => {
  const dir = tempDir();
  try {
    const err = await kilnError(() => readOciLayout(dir));
    assert.is(err.code, "invalid-layout");
  } finally {
    removeDir(dir);
  }
});

test.run();
