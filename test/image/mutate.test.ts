import { test } from "uvu";
import * as assert from "uvu/assert";
import { cloneJson } from "../../image/canonical-json.js";
import { emptyImage, type Image } from "../../image/image.js";
import { layerFromBytes } from "../../image/layer.js";
import { MediaType } from "../../image/media-types.js";
import {
  appendHistory,
  appendLayer,
  editConfig,
  formatTimestamp,
  setAnnotations,
  setContainerConfig,
  setCreated,
} from "../../image/mutate.js";
import { createTar } from "../../image/tar.js";
import { collect, kilnError } from "./helpers.js";

const AMD64 = { os: "linux", architecture: "amd64" };

async function snapshot(img: Image) {
  return {
    digest: await img.digest(),
    manifest: cloneJson(await img.manifest()),
    config: cloneJson(await img.config()),
    layers: (await img.layers()).map((l) => l.digest),
  };
}

async function tarLayer(name: string) {
  return layerFromBytes(await collect(createTar([{ type: "file", path: name, body: Buffer.from(name) }])));
}

test("appendLayer: a new image with the layer, its diffId and a history entry; the old one untouched", async () => {
  const base = emptyImage(AMD64);
  const before = await snapshot(base);
  const layer = await tarLayer("a");
  const next = await appendLayer(base, layer, { created_by: "COPY a /", created: "2024-01-01T00:00:00Z", empty_layer: true });
  assert.is.not(next, base);
  assert.equal(await snapshot(base), before);
  const config = await next.config();
  assert.equal(config.rootfs.diff_ids, [layer.diffId]);
  assert.equal(config.history, [{ created_by: "COPY a /", created: "2024-01-01T00:00:00Z" }]);
  assert.equal((await next.layers()).map((l) => l.digest), [layer.digest]);
  assert.equal((await next.manifest()).layers, [{ mediaType: MediaType.OciLayer, digest: layer.digest, size: layer.size }]);
  assert.is.not(await next.digest(), before.digest);

  const third = await appendLayer(next, await tarLayer("b"));
  assert.is((await third.config()).rootfs.diff_ids.length, 2);
  assert.equal((await third.config()).history![1], {});
  assert.is((await next.config()).rootfs.diff_ids.length, 1);
});

test("appendLayer: the same steps give the same digest", async () => {
  const make = async () => appendLayer(emptyImage(AMD64), await tarLayer("a"), { created_by: "x" });
  assert.is(await (await make()).digest(), await (await make()).digest());
});

test("appendHistory: an empty_layer entry, no layer", async () => {
  const base = emptyImage(AMD64);
  const next = await appendHistory(base, { created_by: "ENV A=1" });
  assert.equal((await next.config()).history, [{ created_by: "ENV A=1", empty_layer: true }]);
  assert.equal(await next.layers(), []);
  assert.equal((await base.config()).history, []);
});

test("setContainerConfig: sets, replaces and removes fields; Docker superset kept under OCI", async () => {
  const base = emptyImage(AMD64);
  const env = ["PATH=/usr/bin"];
  const a = await setContainerConfig(base, {
    Env: env,
    Cmd: ["sh"],
    WorkingDir: "/app",
    Healthcheck: { Test: ["CMD", "true"], Interval: 30e9, StartInterval: 5e9, Retries: 3 },
    OnBuild: ["RUN echo hi"],
    Shell: ["/bin/bash", "-c"],
    ExposedPorts: { "80/tcp": {} },
    Labels: { b: "2", a: "1" },
  });
  env.push("LATER=1"); // the image copied the patch
  assert.equal((await a.config()).config!.Env, ["PATH=/usr/bin"]);
  const b = await setContainerConfig(a, { Cmd: undefined, Env: ["X=1"] });
  const cfg = (await b.config()).config!;
  assert.not.ok("Cmd" in cfg);
  assert.equal(cfg.Env, ["X=1"]);
  assert.equal(cfg.Shell, ["/bin/bash", "-c"]);
  assert.equal(cfg.Healthcheck, { Test: ["CMD", "true"], Interval: 30e9, StartInterval: 5e9, Retries: 3 });
  assert.is(await b.mediaType(), MediaType.OciManifest);
  assert.equal((await a.config()).config!.Cmd, ["sh"]);
  assert.equal(await base.config().then((c) => c.config), {});
  // labels serialise in sorted order whatever order they were set in
  assert.ok((await a.rawConfig()).toString().includes('"Labels":{"a":"1","b":"2"}'));
});

test("setCreated: the config time, and optionally the history times", async () => {
  const base = await appendHistory(await appendHistory(emptyImage(AMD64), { created: "2030-01-01T00:00:00Z" }), { created: "2000-01-01T00:00:00Z" });
  const epoch = 1_700_000_000;
  const plain = await setCreated(base, epoch);
  assert.is((await plain.config()).created, "2023-11-14T22:13:20Z");
  assert.equal((await plain.config()).history!.map((h) => h.created), ["2030-01-01T00:00:00Z", "2000-01-01T00:00:00Z"]);
  const clamped = await setCreated(base, new Date(epoch * 1000), { history: "clamp" });
  assert.equal((await clamped.config()).history!.map((h) => h.created), ["2023-11-14T22:13:20Z", "2000-01-01T00:00:00Z"]);
  const all = await setCreated(base, epoch, { history: true });
  assert.equal((await all.config()).history!.map((h) => h.created), ["2023-11-14T22:13:20Z", "2023-11-14T22:13:20Z"]);
  assert.is((await base.config()).created, undefined);
});

test("formatTimestamp: RFC 3339 UTC, fractions only when present", async () => {
  assert.is(formatTimestamp(0), "1970-01-01T00:00:00Z");
  assert.is(formatTimestamp(new Date(1500)), "1970-01-01T00:00:01.500Z");
  assert.is((await kilnError(() => formatTimestamp(new Date(NaN)))).code, "invalid-time");
});

test("editConfig: in place or by replacement; rootfs still checked", async () => {
  const base = emptyImage(AMD64);
  const a = await editConfig(base, (c) => {
    c.author = "me";
  });
  assert.is((await a.config()).author, "me");
  const b = await editConfig(a, (c) => ({ architecture: "arm64", os: c.os, rootfs: c.rootfs }));
  assert.equal(await b.config(), { architecture: "arm64", os: "linux", rootfs: { type: "layers", diff_ids: [] } });
  const err = await kilnError(() => editConfig(base, (c) => {
    c.rootfs.diff_ids.push(c.rootfs.diff_ids[0]!);
  }));
  assert.is(err.code, "invalid-image");
  assert.is((await base.config()).author, undefined);
});

test("mutation keeps the base's format and annotations", async () => {
  const base = await setAnnotations(emptyImage(AMD64, { format: "docker" }), { "org.opencontainers.image.title": "t" });
  const next = await appendLayer(await setContainerConfig(base, { User: "1000" }), await tarLayer("a"));
  assert.is(await next.mediaType(), MediaType.DockerManifest);
  assert.equal((await next.manifest()).annotations, { "org.opencontainers.image.title": "t" });
  assert.is((await next.manifest()).layers[0]!.mediaType, MediaType.DockerLayer);
  const cleared = await setAnnotations(next, {});
  assert.is((await cleared.manifest()).annotations, undefined);
});

test.run();
