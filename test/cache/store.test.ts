/** The OCI-layout store: the conformance suite, KILN_ROOT defaults and layout details. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { defaultRoot, openStore, storePaths } from "../../cache/index.js";
import type { ImageRecord } from "../../cache/types.js";
import { parseReference } from "../../image/reference.js";
import { storeConformance } from "./conformance.js";
import { file, makeImage, tempDir } from "./helpers.js";

storeConformance("LayoutStore", (root) => openStore(root));

test("KILN_ROOT: --root, then $KILN_ROOT, then /var/lib/kiln for root, XDG for others", () => {
  assert.is(defaultRoot({ explicit: "r", cwd: "/w", env: { KILN_ROOT: "/e" } }), "/w/r");
  assert.is(defaultRoot({ env: { KILN_ROOT: "/e" }, uid: 0 }), "/e");
  assert.is(defaultRoot({ env: {}, uid: 0 }), "/var/lib/kiln");
  assert.is(defaultRoot({ env: { XDG_DATA_HOME: "/x" }, uid: 1000 }), "/x/kiln");
  assert.is(defaultRoot({ env: { HOME: "/home/u" }, uid: 1000 }), "/home/u/.local/share/kiln");
  assert.is(defaultRoot({ env: { XDG_DATA_HOME: "relative", HOME: "/h" }, uid: 1000 }), "/h/.local/share/kiln");
});

test("reserved directories beside the layout", () => {
  const p = storePaths("/s");
  assert.equal([p.blobs, p.tmp, p.locks, p.snapshots, p.cache, p.statcache, p.logs, p.compression],
    ["/s/blobs/sha256", "/s/tmp", "/s/locks", "/s/snapshots", "/s/cache", "/s/statcache", "/s/logs", "/s/compression"]);
});

test("index.json names: familiar ref.name for skopeo, normalised containerd name beside it", async () => {
  const t = tempDir();
  try {
    const store = await openStore(t.dir);
    const image = await makeImage([[file("a", "b")]]);
    await store.writeImage(image, { names: ["busybox", "localhost:5000/x:y"] });
    await store.close();
    assert.equal(JSON.parse(readFileSync(join(t.dir, "oci-layout"), "utf8")), { imageLayoutVersion: "1.0.0" });
    const index = JSON.parse(readFileSync(join(t.dir, "index.json"), "utf8"));
    assert.is(index.schemaVersion, 2);
    const names = index.manifests.map((m: { annotations: Record<string, string> }) => [m.annotations["org.opencontainers.image.ref.name"], m.annotations["io.containerd.image.name"]]);
    assert.equal(names, [["busybox:latest", "docker.io/library/busybox:latest"], ["localhost:5000/x:y", "localhost:5000/x:y"]]);
    assert.equal(index.manifests[0].platform, { architecture: "amd64", os: "linux" });
  } finally {
    t.cleanup();
  }
});

test("a store with a foreign oci-layout version is refused", async () => {
  const t = tempDir();
  try {
    (await import("node:fs")).writeFileSync(join(t.dir, "oci-layout"), '{"imageLayoutVersion":"2.0.0"}');
    let code = "";
    try {
      await openStore(t.dir);
    } catch (err) {
      code = (err as { code: string }).code;
    }
    assert.is(code, "store-invalid");
  } finally {
    t.cleanup();
  }
});

test("resolve by name or manifest digest reads only that entry, with listImages' answer", async () => {
  const t = tempDir();
  try {
    const store = await openStore(t.dir);
    const recs: ImageRecord[] = [];
    for (let i = 0; i < 5; i++) recs.push(await store.writeImage(await makeImage([[file("f", String(i))]]), { names: i === 4 ? [] : [`r:${i}`, `other/r:${i}`] }));
    await store.tag("r:1", "r:latest");
    await store.tag("r:2", "r:latest"); // r:1 keeps its own names; r:latest moves
    const list = await store.listImages();
    // the answer listImages gives: by ID, then manifest digest, else the first record carrying the name
    const expected = (q: string) =>
      q.startsWith("sha256:") ? list.find((r) => r.id === q) ?? list.find((r) => r.digest === q) : list.find((r) => r.names.some((n) => n.equals(parseReference(q))));
    for (const q of ["r:0", "r:1", "other/r:3", "r:latest", "r", ...recs.map((r) => r.digest), ...recs.map((r) => r.id)]) {
      const want = expected(q);
      assert.ok(want, q);
      assert.equal(await store.resolve(q), want, q);
    }
    // another image's broken manifest does not change a named or digest lookup
    await store.close();
    const other = recs[3]!.digest.slice("sha256:".length);
    writeFileSync(join(t.dir, "blobs", "sha256", other), "not json");
    const again = await openStore(t.dir);
    assert.equal(await again.resolve("r:0"), list.find((r) => r.digest === recs[0]!.digest));
    assert.is((await again.resolve(recs[4]!.digest)).id, recs[4]!.id);
    await again.close();
  } finally {
    t.cleanup();
  }
});

test("writeImage reads no other image's manifest to make its record", async () => {
  const t = tempDir();
  try {
    const store = await openStore(t.dir);
    const others: ImageRecord[] = [];
    for (let i = 0; i < 4; i++) others.push(await store.writeImage(await makeImage([[file("f", String(i))]]), { names: [`r:${i}`] }));
    const reads: string[] = [];
    const readBlob = store.readBlob.bind(store);
    store.readBlob = (digest, options) => (reads.push(digest), readBlob(digest, options));
    const rec = await store.writeImage(await makeImage([[file("f", "new")]]), { names: ["r:new", "r:0"] });
    for (const o of others) assert.not.ok(reads.includes(o.digest), `read ${o.digest}`);
    assert.equal(rec, (await store.listImages()).find((r) => r.digest === rec.digest));
    assert.equal(rec.names.map(String), ["docker.io/library/r:0", "docker.io/library/r:new"]);
    await store.close();
  } finally {
    t.cleanup();
  }
});

test("writeImage commits from what it wrote: no blob is read back, not even its own manifest", async () => {
  const t = tempDir();
  try {
    const store = await openStore(t.dir);
    const reads: string[] = [];
    const readBlob = store.readBlob.bind(store);
    store.readBlob = (digest, options) => (reads.push(digest), readBlob(digest, options));
    const image = await makeImage([[file("a", "1")], [file("b", "2")]]);
    const rec = await store.writeImage(image, { names: ["w:1"] });
    assert.equal(reads, []);
    assert.is(rec.id, (await image.manifest()).config.digest);
    store.readBlob = readBlob;
    assert.equal(rec, (await store.listImages())[0]);
    await store.close();
  } finally {
    t.cleanup();
  }
});

test("deferDirSync: blobs/ is fsynced by the next commit, before index.json changes, or by close()", async () => {
  const t = tempDir();
  try {
    const store = await openStore(t.dir);
    const events: string[] = [];
    const index = () => readFileSync(join(t.dir, "index.json"), "utf8");
    const real = (store as unknown as { syncBlobsDir(): void }).syncBlobsDir.bind(store);
    let before = index();
    (store as unknown as { syncBlobsDir(): void }).syncBlobsDir = () => {
      events.push(index() === before ? "blobs/ fsynced, index.json unchanged" : "blobs/ fsynced after index.json changed");
      real();
    };
    const image = await makeImage([[file("deferred", "layer")]]);
    const [layer] = await image.layers();
    await store.putBlob(await layer!.open(), { deferDirSync: true });
    await store.putBlob("a small one", { deferDirSync: true });
    assert.equal(events, [], "no fsync of blobs/ for deferred blobs");
    await store.writeImage(image, { names: ["d:1"] });
    assert.equal(events, ["blobs/ fsynced, index.json unchanged"]);
    assert.is((await store.resolve("d:1")).digest, await image.digest());
    events.length = 0;
    before = index();
    await store.putBlob("another", { deferDirSync: true });
    await store.close();
    assert.equal(events, ["blobs/ fsynced, index.json unchanged"], "close() makes a pending rename durable");
    events.length = 0;
    await store.close();
    assert.equal(events, [], "nothing pending, nothing to fsync");
  } finally {
    t.cleanup();
  }
});

test("rebuilds under one name: each earlier image stays once, unnamed; the name and other names are kept", async () => {
  const t = tempDir();
  try {
    const store = await openStore(t.dir);
    const keep = await store.writeImage(await makeImage([[file("k", "keep")]]), { names: ["other:1"] });
    const digests: string[] = [];
    let last;
    for (let i = 0; i < 30; i++) {
      last = await makeImage([[file("f", String(i))]]);
      digests.push((await store.writeImage(last, { names: ["app:dev"] })).digest);
    }
    await store.writeImage(last!, { names: ["app:dev"] }); // the same image again
    const index = JSON.parse(readFileSync(join(t.dir, "index.json"), "utf8")) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    assert.is(index.manifests.length, 31, "one entry per image");
    const named = index.manifests.filter((d) => d.annotations?.["io.containerd.image.name"] !== undefined);
    assert.equal(named.map((d) => [d.digest, d.annotations!["io.containerd.image.name"]]).sort(), [[keep.digest, "docker.io/library/other:1"], [digests[29]!, "docker.io/library/app:dev"]].sort());
    assert.equal(new Set(index.manifests.map((d) => d.digest)).size, 31);
    await store.close();
  } finally {
    t.cleanup();
  }
});

test.run();
