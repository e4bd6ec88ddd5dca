/** Broken input gives typed errors naming what is wrong, and leaves nothing in tmp. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { canonicalJsonBytes } from "../../../image/canonical-json.js";
import { digestHex, digestOf } from "../../../image/digest.js";
import { readArchive, readOciLayout, writeDockerArchive, writeOciLayout, ArchiveError } from "../../../image/formats/index.js";
import { MediaType } from "../../../image/media-types.js";
import type { TarEntry } from "../../../image/tar.js";
import { kilnError, readTar } from "../helpers.js";
import { collect, layerBytes, listDir, removeDir, sink, smallImage, streamOfBuffer, tarBytes, tempDir } from "./helpers.js";

async function dockerArchive(): Promise<Buffer> {
  const s = sink();
  await writeDockerArchive([{ image: await smallImage("f"), tags: ["f:1"] }], s.stream);
  return s.done;
}

async function ociTar(): Promise<Buffer> {
  const s = sink();
  await writeOciLayout(s.stream, [{ image: await smallImage("g"), tags: ["g"] }], { compression: "none" });
  return s.done;
}

/** Re-tars an archive with `edit` applied to its entries (name → body, or undefined to drop). */
async function rewrite(archive: Buffer, edit: (name: string, body: Buffer) => Buffer | undefined): Promise<Buffer> {
  const entries: TarEntry[] = [];
  for (const e of await readTar(archive)) {
    if (e.header.type === "directory") continue;
    const body = edit(e.header.name, e.body);
    if (body !== undefined) entries.push({ type: "file", path: e.header.name, body });
  }
  return tarBytes(entries);
}

/** Reads `archive`, expecting a KilnError; checks the spool dir is left empty. */
async function refused(archive: Buffer): Promise<ArchiveError> {
  const tmp = tempDir();
  try {
    const err = await kilnError(() => readArchive(streamOfBuffer(archive), { tmpDir: tmp }));
    assert.equal(listDir(tmp), [], `nothing left in tmp after ${err.code}`);
    return err as ArchiveError;
  } finally {
    removeDir(tmp);
  }
}

test("faults: a truncated archive is archive-corrupt (plain and gzip'ed)", async () => {
  const archive = await dockerArchive();
  for (const cut of [archive.length / 2, archive.length - 1100, 700, 100]) {
    const err = await refused(archive.subarray(0, Math.floor(cut)));
    assert.ok(["archive-corrupt", "missing-blob"].includes(err.code), `${cut}: ${err.code}: ${err.message}`);
  }
  const gz = gzipSync(archive);
  const err = await refused(gz.subarray(0, gz.length - 200));
  assert.is(err.code, "archive-corrupt");
  assert.match(err.message, /corrupt or truncated/);
});

test("faults: not a tar, empty input, a tar of something else", async () => {
  assert.is((await refused(Buffer.from("hello, this is not a tar archive at all".repeat(20)))).code, "archive-corrupt");
  assert.is((await refused(Buffer.alloc(0))).code, "archive-corrupt");
  const other = await tarBytes([{ type: "file", path: "README", body: Buffer.from("hi") }]);
  assert.is((await refused(other)).code, "archive-unrecognized");
});

test("faults: a flipped byte in a classic layer.tar is a digest-mismatch naming the layer", async () => {
  const archive = await dockerArchive();
  let victim = "";
  const broken = await rewrite(archive, (name, body) => {
    if (name.endsWith("/layer.tar") && victim === "") {
      victim = name;
      const copy = Buffer.from(body);
      copy[600] ^= 0xff;
      return copy;
    }
    return body;
  });
  const err = await refused(broken);
  assert.is(err.code, "digest-mismatch");
  assert.is(err.entry, victim);
  assert.ok(err.message.includes(victim));
});

test("faults: a flipped byte in an OCI blob is refused while spooling, naming the blob", async () => {
  const tar = await ociTar();
  let victim = "";
  const broken = await rewrite(tar, (name, body) => {
    if (name.startsWith("blobs/") && body.length > 10_000 && victim === "") {
      victim = name;
      const copy = Buffer.from(body);
      copy[copy.length - 2000] ^= 1;
      return copy;
    }
    return body;
  });
  const err = await refused(broken);
  assert.is(err.code, "digest-mismatch");
  assert.is(err.entry, victim);
});

test("faults: a config that does not match its name is refused", async () => {
  const archive = await dockerArchive();
  const broken = await rewrite(archive, (name, body) => (name.endsWith(".json") && name !== "manifest.json" ? Buffer.from(body.toString().replace("step 0", "step 9")) : body));
  const err = await refused(broken);
  assert.is(err.code, "digest-mismatch");
});

test("faults: a missing layer or manifest blob is missing-blob", async () => {
  const archive = await dockerArchive();
  let dropped = "";
  const broken = await rewrite(archive, (name, body) => {
    if (name.endsWith("/layer.tar") && dropped === "") {
      dropped = name;
      return undefined;
    }
    return body;
  });
  const err = await refused(broken);
  assert.is(err.code, "missing-blob");
  assert.is(err.entry, dropped);

  const tar = await ociTar();
  const index = JSON.parse((await readTar(tar)).find((e) => e.header.name === "index.json")!.body.toString());
  const manifestPath = `blobs/sha256/${digestHex(index.manifests[0].digest)}`;
  const err2 = await refused(await rewrite(tar, (name, body) => (name === manifestPath ? undefined : body)));
  assert.is(err2.code, "missing-blob");
  assert.is(err2.entry, manifestPath);
});

/** An OCI tar whose single manifest is replaced by `manifest` (blobs of the original kept). */
async function withManifest(mutate: (m: Record<string, unknown>) => Record<string, unknown>, descriptorMediaType?: string): Promise<Buffer> {
  const tar = await ociTar();
  const entries = await readTar(tar);
  const index = JSON.parse(entries.find((e) => e.header.name === "index.json")!.body.toString());
  const oldPath = `blobs/sha256/${digestHex(index.manifests[0].digest)}`;
  const manifest = mutate(JSON.parse(entries.find((e) => e.header.name === oldPath)!.body.toString()));
  const raw = canonicalJsonBytes(manifest);
  const digest = digestOf(raw);
  index.manifests[0] = { ...index.manifests[0], digest, size: raw.length, ...(descriptorMediaType ? { mediaType: descriptorMediaType } : {}) };
  return rewrite(tar, (name, body) => (name === oldPath ? undefined : name === "index.json" ? canonicalJsonBytes(index) : body)).then(async (t) => {
    const more = await readTar(t);
    const all: TarEntry[] = more.filter((e) => e.header.type !== "directory").map((e) => ({ type: "file" as const, path: e.header.name, body: e.body }));
    all.push({ type: "file", path: `blobs/sha256/${digestHex(digest)}`, body: raw });
    return tarBytes(all);
  });
}

test("faults: a layer with an unknown media type is unknown-media-type", async () => {
  const broken = await withManifest((m) => {
    const layers = m.layers as { mediaType: string }[];
    layers[1]!.mediaType = "application/vnd.example.mystery";
    return m;
  });
  const err = await refused(broken);
  assert.is(err.code, "unknown-media-type");
  assert.match(err.message, /application\/vnd\.example\.mystery/);
});

test("faults: a schema 1 manifest is refused as unsupported-schema1", async () => {
  const broken = await withManifest(() => ({ schemaVersion: 1, name: "x", tag: "1", fsLayers: [], history: [] }), MediaType.DockerSchema1SignedManifest);
  const err = await refused(broken);
  assert.is(err.code, "unsupported-schema1");
  const broken2 = await withManifest(() => ({ schemaVersion: 1, name: "x", tag: "1", fsLayers: [], history: [] }), MediaType.OciManifest);
  assert.is((await refused(broken2)).code, "unsupported-schema1");
});

test("faults: an OCI layout directory with a corrupted layer fails when the layer is read", async () => {
  const dir = tempDir();
  try {
    await writeOciLayout(dir, [{ image: await smallImage("d"), tags: ["d"] }]);
    const [entry] = await readOciLayout(dir);
    const layer = (await entry!.image.layers())[0]!;
    const path = join(dir, "blobs/sha256", digestHex(layer.digest));
    const bytes = readFileSync(path);
    bytes[bytes.length - 10] ^= 1;
    writeFileSync(path, bytes);
    const err = await kilnError(async () => collect(await layer.open()));
    assert.is(err.code, "digest-mismatch");
    // missing config blob: refused when the layout is read
    const config = (await entry!.image.manifest()).config.digest;
    mkdirSync(join(dir, "moved"));
    writeFileSync(join(dir, "moved", "c"), readFileSync(join(dir, "blobs/sha256", digestHex(config))));
    const { rmSync } = await import("node:fs");
    rmSync(join(dir, "blobs/sha256", digestHex(config)));
    assert.is((await kilnError(() => readOciLayout(dir))).code, "missing-blob");
    assert.ok(readdirSync(dir).length > 0);
  } finally {
    removeDir(dir);
  }
});

test("faults: a missing archive file is file-not-found, not corrupt", async () => {
  const tmp = tempDir();
  try {
    const err = await kilnError(() => readArchive(join(tmp, "nope.tar"), { tmpDir: tmp }));
    assert.is(err.code, "file-not-found");
    assert.equal(listDir(tmp), []);
  } finally {
    removeDir(tmp);
  }
});

test("faults: an intact archive still reads after all that (sanity)", async () => {
  const tmp = tempDir();
  try {
    const loaded = await readArchive(streamOfBuffer(await dockerArchive()), { tmpDir: tmp });
    assert.is((await layerBytes(loaded.images[0]!.image)).length, 2);
    await loaded.cleanup();
  } finally {
    removeDir(tmp);
  }
});

test.run();
