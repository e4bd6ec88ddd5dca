/**
 * The store conformance suite (principle 11): every ImageStore implementation runs it.
 * `storeConformance(name, open)` registers a uvu suite; `open(root)` returns a store over an
 * empty directory. Faults are checked to leave the store exactly as before (listing compared).
 */
import { executionAsyncId } from "node:async_hooks";
import { writeFileSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  digestOf,
  digestHex,
  editConfig,
  newIndex,
  layerFromOpener,
  newImage,
  MediaType,
  openUncompressed,
  type Digest,
  type Image,
  type Layer,
} from "../../image/index.js";
import type { ImageStore } from "../../cache/index.js";
import { compressor } from "../../image/formats/index.js";
import { KilnError } from "../../util/errors.js";
import { collect, kilnError, streamOf } from "../image/helpers.js";
import { file, listing, makeImage, tempDir } from "./helpers.js";

export type StoreOpener = (root: string) => Promise<ImageStore>;

/** An image whose `layer` is replaced by one with the same descriptor but other bytes. */
async function withBadLayer(image: Image): Promise<Image> {
  const [layer] = await image.layers();
  const bad: Layer = await layerFromOpener(() => streamOf("not the layer you are looking for"), {
    digest: layer!.digest,
    size: layer!.size,
    diffId: layer!.diffId,
  });
  return newImage({ config: await image.config(), layers: [bad] });
}

export function storeConformance(name: string, open: StoreOpener): void {
  const t = suite(`store conformance: ${name}`);
  let tmp: ReturnType<typeof tempDir>;
  let store: ImageStore;

  t.before.each(async () => {
    tmp = tempDir();
    store = await open(join(tmp.dir, "root"));
  });
  t.after.each(async () => {
    await store.close();
    tmp.cleanup();
  });

  const unchanged = async (fn: () => Promise<unknown>, code: string) => {
    const before = listing(store.root);
    const err = await kilnError(fn);
    assert.is(err.code, code, err.message);
    assert.equal(listing(store.root), before);
    assert.equal(readdirSync(store.paths.tmp), [], "no temp files are left");
    return err;
  };

  t("a fresh store is an OCI layout", async () => {
    assert.equal(listing(store.root).filter((l) => !l.startsWith("tmp")).map((l) => l.split(" ")[0]), ["blobs/", "blobs/sha256/", "index.json", "oci-layout"]);
    assert.equal(await store.listImages(), []);
  });

  t("putBlob / hasBlob / getBlob round trip bytes, strings and streams", async () => {
    const a = await store.putBlob("hello");
    assert.is(a.digest, digestOf("hello"));
    assert.is(a.size, 5);
    assert.ok(await store.hasBlob(a.digest));
    assert.is((await collect(await store.getBlob(a.digest))).toString(), "hello");
    const b = await store.putBlob(streamOf("wor", "ld"), { expected: digestOf("world") });
    assert.is(b.digest, digestOf("world"));
    assert.is((await store.readBlob(b.digest, { size: 5 })).toString(), "world");
    const again = await store.putBlob(Buffer.from("hello"), { expected: { digest: a.digest, size: 5 } });
    assert.equal(again, a);
    assert.not.ok(await store.hasBlob(digestOf("absent")));
  });

  t("putBlob refuses a wrong digest or size and keeps nothing", async () => {
    const err = await unchanged(() => store.putBlob("hello", { expected: digestOf("other") }), "digest-mismatch");
    assert.match(err.message, /expected sha256:/);
    await unchanged(() => store.putBlob("hello", { expected: { digest: digestOf("hello"), size: 4 } }), "digest-mismatch");
    await unchanged(() => store.putBlob("hello", { expected: { digest: digestOf("hello"), size: 6 } }), "digest-mismatch");
  });

  t("putBlob's verify hook runs after the digest matched, and a throw keeps nothing", async () => {
    const calls: string[] = [];
    await unchanged(() => store.putBlob("hello", { expected: digestOf("other"), verify: () => void calls.push("wrong digest") }), "digest-mismatch");
    assert.equal(calls, [], "not called when the digest is wrong");
    const refuse = async () => {
      calls.push("checked");
      throw new KilnError("digest-mismatch", "diff_id does not match");
    };
    const err = await unchanged(() => store.putBlob(streamOf("hel", "lo"), { expected: digestOf("hello"), verify: refuse }), "digest-mismatch");
    assert.match(err.message, /diff_id/);
    assert.equal(calls, ["checked"]);
    const ok = await store.putBlob("hello", { expected: digestOf("hello"), verify: () => void calls.push("ok") });
    assert.ok(await store.hasBlob(ok.digest));
    assert.equal(calls, ["checked", "ok"]);
  });

  t("putBlob keeps nothing when the source fails mid-way", async () => {
    const before = listing(store.root);
    async function* failing() {
      yield Buffer.from("part");
      throw new Error("network went away");
    }
    try {
      await store.putBlob(failing());
      assert.unreachable();
    } catch (err) {
      assert.match((err as Error).message, /network went away/);
    }
    assert.equal(listing(store.root), before);
  });

  t("getBlob verifies: a corrupted blob fails the stream, a missing one is named", async () => {
    const a = await store.putBlob("precious");
    writeFileSync(join(store.paths.blobs, digestHex(a.digest)), "tampered");
    const err = await kilnError(async () => collect(await store.getBlob(a.digest)));
    assert.is(err.code, "digest-mismatch");
    const missing = await kilnError(() => store.getBlob(digestOf("nope")));
    assert.is(missing.code, "blob-missing");
    assert.match(missing.message, new RegExp(digestOf("nope")));
  });

  t("writeImage stores every blob; resolve by name, id, id prefix and digest; lazy image reads back", async () => {
    const image = await makeImage([[file("etc/hello", "hi\n")], [file("bin/tool", "#!/bin/sh\n", 0o755)]]);
    const rec = await store.writeImage(image, { names: ["busybox:latest", "localhost:5000/x:y"] });
    assert.is(rec.digest, await image.digest());
    assert.is(rec.id, (await image.manifest()).config.digest);
    assert.equal(rec.names.map(String), ["docker.io/library/busybox:latest", "localhost:5000/x:y"]);
    for (const q of ["busybox", "docker.io/library/busybox:latest", "localhost:5000/x:y", rec.id, digestHex(rec.id), digestHex(rec.id).slice(0, 12), rec.digest, `busybox@${rec.digest}`]) {
      assert.is((await store.resolve(q)).digest, rec.digest, q);
    }
    const back = await store.image("busybox");
    assert.is(await back.digest(), rec.digest);
    assert.equal(await back.rawManifest(), await image.rawManifest());
    assert.equal(await back.rawConfig(), await image.rawConfig());
    const layers = await back.layers();
    const orig = await image.layers();
    assert.is(layers.length, 2);
    for (let i = 0; i < 2; i++) {
      assert.is(layers[i]!.diffId, orig[i]!.diffId);
      assert.equal(await collect(await openUncompressed(layers[i]!)), await collect(await orig[i]!.open()));
    }
    assert.is((await kilnError(() => store.resolve("nothere:latest"))).code, "image-not-found");
  });

  t("names: tag adds, tagging elsewhere moves (old image dangles), untag, delete", async () => {
    const one = await store.writeImage(await makeImage([[file("a", "1")]]), { names: ["app:1"] });
    const two = await store.writeImage(await makeImage([[file("a", "2")]]), { names: ["app:2"] });
    await store.tag("app:1", "app:latest");
    assert.equal((await store.resolve("app:latest")).digest, one.digest);
    await store.tag("app:2", "app:latest");
    assert.equal((await store.resolve("app")).digest, two.digest);
    await store.tag(two, "app:1"); // one loses its last name
    const list = await store.listImages();
    assert.is(list.length, 2);
    const dangling = list.find((r) => r.digest === one.digest)!;
    assert.equal(dangling.names, []);
    assert.equal(list.find((r) => r.digest === two.digest)!.names.map((n) => n.familiarName()), ["app:1", "app:2", "app:latest"]);
    const before = await store.untag("app:latest");
    assert.is(before.digest, two.digest);
    assert.is((await kilnError(() => store.untag("app:latest"))).code, "image-not-found");
    // delete the dangling one: its blobs go, shared ones (none here) stay
    const removed = await store.deleteImage(one.digest);
    assert.ok(removed.some((b) => b.digest === one.digest));
    assert.not.ok(await store.hasBlob(one.digest));
    assert.ok(await store.hasBlob(two.digest));
    assert.is((await store.listImages()).length, 1);
  });

  t("deleting an image keeps layers another image shares", async () => {
    const shared = [file("shared", "same bytes")];
    const a = await store.writeImage(await makeImage([shared], ["a"]), { names: ["a"] });
    const b = await store.writeImage(await makeImage([shared], ["b"]), { names: ["b"] });
    const layer = (await (await store.image(a)).layers())[0]!;
    await store.deleteImage(a.digest);
    assert.ok(await store.hasBlob(layer.digest));
    assert.ok(await store.hasBlob(b.digest));
    await store.deleteImage(b.digest);
    assert.not.ok(await store.hasBlob(layer.digest));
  });

  t("faults leave the store as it was: bad layer bytes, unknown media types, bad names, duplicate names", async () => {
    await store.writeImage(await makeImage([[file("keep", "me")]]), { names: ["keep:1"] });
    const good = await makeImage([[file("x", "y")]]);
    await unchanged(async () => store.writeImage(await withBadLayer(good)), "digest-mismatch");
    const weird: Layer = { ...(await good.layers())[0]!, mediaType: "application/x-weird", open: async () => streamOf("") };
    const weirdImage: Image = {
      ...good,
      mediaType: () => good.mediaType(),
      manifest: async () => ({ ...(await good.manifest()), layers: [{ ...(await good.manifest()).layers[0]!, mediaType: "application/x-weird" }] }),
      rawManifest: async () => Buffer.from(JSON.stringify({ ...(await good.manifest()), layers: [{ ...(await good.manifest()).layers[0]!, mediaType: "application/x-weird" }] })),
      digest: async () => digestOf(JSON.stringify({ ...(await good.manifest()), layers: [{ ...(await good.manifest()).layers[0]!, mediaType: "application/x-weird" }] })),
      config: () => good.config(),
      rawConfig: () => good.rawConfig(),
      layers: async () => [weird],
    };
    const err = await unchanged(() => store.writeImage(weirdImage), "unsupported-media-type");
    assert.match(err.message, /application\/x-weird/);
    await unchanged(() => store.writeImage(good, { names: ["Bad Name"] }), "invalid-reference");
    await unchanged(() => store.writeImage(good, { names: ["app@sha256:" + "a".repeat(64)] }), "invalid-reference");
    await unchanged(() => store.writeImage(good, { names: ["dup:1", "docker.io/library/dup:1"] }), "duplicate-name");
    await unchanged(() => store.tag("keep:1", "UPPER:case"), "invalid-reference");
    await unchanged(() => store.tag("nothere", "x:1"), "image-not-found");
  });

  t("prune removes unreferenced blobs and dead processes' temp files, keeps everything reachable", async () => {
    const rec = await store.writeImage(await makeImage([[file("a", "1")]]), { names: ["keep"] });
    const loose = await store.putBlob("loose blob");
    writeFileSync(join(store.paths.tmp, "blob.999999999.1.abcdef"), "half-written");
    const result = await store.prune();
    assert.equal(result.blobs.map((b) => b.digest), [loose.digest]);
    assert.is(result.reclaimedBytes, "loose blob".length);
    assert.is(result.tempFiles, 1);
    assert.not.ok(await store.hasBlob(loose.digest));
    assert.ok(await store.hasBlob(rec.digest));
    const graph = await store.references();
    assert.equal(graph.missing.size, 0);
    assert.ok(graph.reachable.has(rec.id));
    assert.equal(readdirSync(store.paths.tmp), []);
  });

  t("a live lease of another store protects blobs written since it was taken", async () => {
    const writer = await open(store.root);
    try {
      const loose = await writer.putBlob("just written");
      assert.equal((await store.prune()).blobs, []);
      assert.ok(await store.hasBlob(loose.digest));
      await writer.close();
      assert.equal((await store.prune()).blobs.map((b) => b.digest), [loose.digest]);
    } finally {
      await writer.close();
    }
  });

  t("writes started at once share one lease, and close() leaves none behind", async () => {
    const writer = await open(store.root);
    const leases = () => readdirSync(store.paths.locks).filter((n) => n.startsWith("lease."));
    const before = leases().length;
    try {
      await Promise.all(Array.from({ length: 8 }, (_, i) => writer.putBlob(`concurrent ${i}`)));
      assert.is(leases().length, before + 1, "one lease for the writer's eight blobs");
    } finally {
      await writer.close();
    }
    assert.is(leases().length, before, "the writer's lease is gone after close()");
  });

  t("compressLayer: gzip once, remembered by diffId, kept while the layer lives", async () => {
    const rec = await store.writeImage(await makeImage([[file("big", "x".repeat(10000))]]), { names: ["gz"] });
    const [layer] = await (await store.image(rec)).layers();
    const gz = await store.compressLayer(layer!, "gzip");
    assert.is(gz.mediaType, MediaType.OciLayerGzip);
    assert.is(gz.diffId, layer!.diffId);
    assert.ok(gz.size < layer!.size);
    assert.equal(await store.compressedBlob(layer!.diffId, "gzip"), { digest: gz.digest, size: gz.size });
    assert.equal(await collect(await openUncompressed(gz)), await collect(await layer!.open()));
    // the bytes save writes for the same layer (parallel deterministic gzip): one layer, one gzip digest
    const saved = await collect((await layer!.open()).pipe(compressor("gzip")!));
    assert.is(digestOf(saved), gz.digest);
    const again = await store.compressLayer(layer!, "gzip");
    assert.is(again.digest, gz.digest);
    await store.prune();
    assert.ok(await store.hasBlob(gz.digest), "a live layer's gzip copy survives prune");
    const back = await store.compressLayer(gz, "none");
    assert.is(back.digest, layer!.diffId);
    await store.deleteImage(rec.digest);
    await store.prune();
    assert.not.ok(await store.hasBlob(gz.digest));
    assert.is(await store.compressedBlob(layer!.diffId, "gzip"), undefined);
  });

  t("compressLayer into a copy whose reader already gave up (destroyed) still stores the gzip blob", async () => {
    // an upload refused at once closes the stream it was to read before compression starts
    const big = Buffer.alloc(2_000_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const rec = await store.writeImage(await makeImage([[file("big", big.toString("latin1"))]]), { names: ["gz-gone"] });
    const [layer] = await (await store.image(rec)).layers();
    const gone = new PassThrough();
    gone.destroy();
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<"stalled">((resolve) => (timer = setTimeout(() => resolve("stalled"), 15_000)));
    const gz = await Promise.race([store.compressLayer(layer!, "gzip", { copyTo: gone }), stalled]);
    clearTimeout(timer);
    assert.ok(gz !== "stalled", "the compression finished");
    assert.equal(await store.compressedBlob(layer!.diffId, "gzip"), { digest: gz.digest, size: gz.size });
  });

  t("compressLayer's onDigest names the gzip blob once, before compressLayer resolves", async () => {
    // a streaming upload's final PUT waits for this, not for the fsyncs and the remembered map
    const rec = await store.writeImage(await makeImage([[file("early", "y".repeat(50_000))]]), { names: ["gz-early"] });
    const [layer] = await (await store.image(rec)).layers();
    const seen: { digest: string; size: number }[] = [];
    let resolved = false;
    const copy = new PassThrough();
    const copied = collect(copy);
    const compressing = store.compressLayer(layer!, "gzip", {
      copyTo: copy,
      onDigest: (blob) => {
        assert.not.ok(resolved);
        seen.push(blob);
      },
    });
    const gz = await compressing;
    resolved = true;
    assert.equal(seen, [{ digest: gz.digest, size: gz.size }]);
    assert.is(digestOf(await copied), gz.digest, "the copy's bytes are the blob's");
    // a remembered copy: nothing is compressed, nothing is announced
    let again = 0;
    const skipped = new PassThrough();
    skipped.on("error", () => {});
    await store.compressLayer(layer!, "gzip", { copyTo: skipped, onDigest: () => again++ });
    assert.is(again, 0);
  });

  t("concurrent writers on one root: every image lands", async () => {
    const other = await open(store.root);
    try {
      const images = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => makeImage([[file("n", String(i))]])));
      await Promise.all(images.map((img, i) => (i % 2 ? other : store).writeImage(img, { names: [`c:${i}`] })));
      const list = await store.listImages();
      assert.is(list.length, 6);
      for (let i = 0; i < 6; i++) assert.is((await store.resolve(`c:${i}`)).digest, await images[i]!.digest());
    } finally {
      await other.close();
    }
  });

  t("writeIndex stores a multi-platform index; image() picks this machine's linux image", async () => {
    const arch = ({ x64: "amd64", arm64: "arm64" } as Record<string, string>)[process.arch] ?? process.arch;
    const mine = await editConfig(await makeImage([[file("p", "mine")]]), (c) => void (c.architecture = arch));
    const other = await editConfig(await makeImage([[file("p", "other")]]), (c) => void (c.architecture = arch === "s390x" ? "riscv64" : "s390x"));
    const index = await newIndex([{ item: other }, { item: mine }]);
    const rec = await store.writeIndex(index, { names: ["multi:1"] });
    assert.is(rec.kind, "index");
    assert.is(rec.digest, await index.digest());
    assert.is(await (await store.image("multi:1")).digest(), await mine.digest());
    const graph = await store.references();
    assert.ok(graph.reachable.has(await other.digest()));
    assert.equal([...graph.missing], []);
    await store.deleteImage(rec.digest);
    assert.not.ok(await store.hasBlob(await mine.digest()));
    assert.not.ok(await store.hasBlob(await other.digest()));
  });

  t("a blob that vanishes between writeImage's writes and its commit (a prune's race): blob-missing, nothing recorded", async () => {
    const image = await makeImage([[file("racy", "gone soon")]]);
    const [layer] = await image.layers();
    // the layer is stored unreferenced (a build's step result): writeImage only refreshes it
    await store.putBlob(await layer!.open(), { expected: { digest: layer!.digest, size: layer!.size } });
    const index = readFileSync(store.paths.indexFile, "utf8");
    // a prune that listed it before the refresh removes it before the commit
    const racy = new Proxy(image, {
      get(target, key) {
        if (key === "rawConfig") {
          return async () => {
            unlinkSync(join(store.paths.blobs, digestHex(layer!.digest)));
            return target.rawConfig();
          };
        }
        const v = Reflect.get(target, key, target) as unknown;
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const err = await kilnError(() => store.writeImage(racy, { names: ["racy:1"] }));
    assert.is(err.code, "blob-missing");
    assert.match(err.message, new RegExp(layer!.digest));
    assert.is(readFileSync(store.paths.indexFile, "utf8"), index, "index.json is unchanged");
    assert.not.ok(await store.hasBlob(await image.digest()), "the manifest it wrote is rolled back");
    assert.equal(readdirSync(store.paths.tmp), [], "no temp files are left");
    assert.is((await kilnError(() => store.resolve("racy:1"))).code, "image-not-found");
  });

  t("writeImage inside withLock commits with the lock it already holds", async () => {
    const image = await makeImage([[file("inside", "1")]]);
    const rec = await store.withLock(() => store.writeImage(image, { names: ["inside:1"] }));
    assert.is((await store.resolve("inside:1")).digest, rec.digest);
  });

  t("withLock is re-entrant and serialises", async () => {
    const order: string[] = [];
    await Promise.all([
      store.withLock(async () => {
        order.push("a1");
        await store.withLock(async () => order.push("a-inner"));
        await new Promise((r) => setTimeout(r, 30));
        order.push("a2");
      }),
      new Promise((r) => setTimeout(r, 5)).then(() => store.withLock(async () => order.push("b"))),
    ]);
    assert.equal(order, ["a1", "a-inner", "a2", "b"]);
  });

  t("the lock leaves no promise hooks behind once released", async () => {
    // with Node's promise hooks installed (a used AsyncLocalStorage), every promise gets an async
    // id, seen inside its reactions; without them the id there is 0
    const reactionAsyncId = () => new Promise<number>((resolve) => void Promise.resolve().then(() => resolve(executionAsyncId())));
    await store.withLock(async () => {
      await store.withLock(async () => {});
    });
    assert.is(await reactionAsyncId(), 0);
  });

  t.run();
}

export type { Digest };
