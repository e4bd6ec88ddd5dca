/** `kiln save` and `kiln load` end to end (the bundled CLI, a private store per test). */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { digestHex } from "../../../image/digest.js";
import { readArchive, writeDockerArchive } from "../../../image/formats/index.js";
import { readTar } from "../helpers.js";
import { diffIdsOf, removeDir, sink, smallImage, streamOfBuffer, tempDir } from "./helpers.js";

const kilnBin = fileURLToPath(new URL("../../../../kiln.mjs", import.meta.url));

function kiln(args: string[], input?: Buffer): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [kilnBin, ...args], { input: input ?? Buffer.alloc(0), maxBuffer: 256 << 20, env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

async function archiveOf(tags: string[], seed = "cli"): Promise<{ bytes: Buffer; image: Awaited<ReturnType<typeof smallImage>> }> {
  const image = await smallImage(seed);
  const s = sink();
  await writeDockerArchive([{ image, tags }], s.stream);
  return { bytes: await s.done, image };
}

test("kiln load (stdin) prints Loaded image; kiln save (stdout) → load into another store keeps config and diffIds", async () => {
  const dir = tempDir();
  try {
    const { bytes, image } = await archiveOf(["kiln-test/cli:1", "kiln-test/cli:2"]);
    const a = join(dir, "a");
    const b = join(dir, "b");
    let r = kiln(["--root", a, "load"], bytes);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.toString(), "Loaded image: kiln-test/cli:1\nLoaded image: kiln-test/cli:2\n");
    r = kiln(["--root", a, "save", "kiln-test/cli:1"]);
    assert.is(r.status, 0, r.stderr);
    const saved = r.stdout;
    const manifest = JSON.parse((await readTar(saved)).find((e) => e.header.name === "manifest.json")!.body.toString());
    assert.equal(manifest[0].RepoTags, ["kiln-test/cli:1"]);
    r = kiln(["--root", b, "load"], saved);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.toString(), "Loaded image: kiln-test/cli:1\n");
    const tmp = join(dir, "tmp");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(tmp);
    const again = await readArchive(streamOfBuffer(kiln(["--root", b, "save", "kiln-test/cli:1"]).stdout), { tmpDir: tmp });
    assert.ok((await again.images[0]!.image.rawConfig()).equals(await image.rawConfig()));
    assert.equal(await diffIdsOf(again.images[0]!.image), await diffIdsOf(image));
    await again.cleanup();
  } finally {
    removeDir(dir);
  }
});

test("kiln save -o FILE: several images, by name and by ID (no RepoTag); load -i FILE", async () => {
  const dir = tempDir();
  try {
    const root = join(dir, "root");
    const one = await archiveOf(["kiln-test/one:1"], "one");
    const two = await archiveOf(["kiln-test/two:1"], "two");
    assert.is(kiln(["--root", root, "load"], one.bytes).status, 0);
    assert.is(kiln(["--root", root, "load"], two.bytes).status, 0);
    const id = digestHex((await two.image.manifest()).config.digest).slice(0, 12);
    const file = join(dir, "out.tar");
    let r = kiln(["--root", root, "save", "-o", file, "kiln-test/one:1", id]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.length, 0);
    const manifest = JSON.parse((await readTar(readFileSync(file))).find((e) => e.header.name === "manifest.json")!.body.toString());
    assert.equal(manifest.map((m: { RepoTags: unknown }) => m.RepoTags), [["kiln-test/one:1"], null]);
    r = kiln(["--root", join(dir, "other"), "load", "-i", file]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.toString(), `Loaded image: kiln-test/one:1\nLoaded image ID: ${(await two.image.manifest()).config.digest}\n`);
  } finally {
    removeDir(dir);
  }
});

test("kiln save --format oci: an OCI layout tar with gzip layers; the gzip copy is remembered and reused", async () => {
  const dir = tempDir();
  try {
    const root = join(dir, "root");
    const { bytes, image } = await archiveOf(["kiln-test/oci:1"], "oci");
    assert.is(kiln(["--root", root, "load"], bytes).status, 0);
    const first = kiln(["--root", root, "save", "--format", "oci", "kiln-test/oci:1"]);
    assert.is(first.status, 0, first.stderr);
    const names = (await readTar(first.stdout)).map((e) => e.header.name);
    assert.ok(names.includes("oci-layout") && names.includes("index.json"));
    const remembered = JSON.parse(readFileSync(join(root, "compression", "gzip.json"), "utf8"));
    assert.equal(Object.keys(remembered.layers).sort(), [...(await diffIdsOf(image))].sort());
    const second = kiln(["--root", root, "save", "--format", "oci", "kiln-test/oci:1"]);
    assert.ok(second.stdout.equals(first.stdout), "same bytes the second time (reused gzip blobs)");
    const r = kiln(["--root", join(dir, "other"), "load"], first.stdout);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.toString(), "Loaded image: kiln-test/oci:1\n");
  } finally {
    removeDir(dir);
  }
});

test("kiln load: a corrupt archive is refused with the typed error; the store is left without it", async () => {
  const dir = tempDir();
  try {
    const root = join(dir, "root");
    const { bytes } = await archiveOf(["kiln-test/bad:1"], "bad");
    const broken = Buffer.from(bytes);
    broken[Math.floor(broken.length / 3)] ^= 0xff;
    const truncated = bytes.subarray(0, bytes.length - 3000);
    for (const input of [broken, truncated]) {
      const r = kiln(["--root", root, "load"], input);
      assert.is(r.status, 1, r.stderr);
      assert.match(r.stderr, /^kiln: /);
      assert.ok(/digest|corrupt|truncated|missing|JSON/.test(r.stderr), r.stderr);
    }
    const tmp = join(root, "tmp");
    assert.equal(existsSync(tmp) ? readdirSync(tmp) : [], []);
    assert.is(kiln(["--root", root, "images", "-q"]).stdout.toString(), "");
    const file = join(dir, "nope.tar");
    writeFileSync(file, "");
    const r = kiln(["--root", root, "load", "-i", join(dir, "missing.tar")]);
    assert.is(r.status, 1);
    assert.match(r.stderr, /no such file/);
  } finally {
    removeDir(dir);
  }
});

test.run();
