/**
 * Real tools as oracles (principle 11): skopeo, umoci + runc/crun and podman must accept what
 * kiln writes, and kiln must read what skopeo writes. Each test is skipped, with a message, when
 * its tool is not installed (Debian packages: skopeo, umoci, runc or crun, podman, busybox-static).
 */
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { digestHex } from "../../../image/digest.js";
import { readArchive, readOciLayout, writeDockerArchive, writeOciLayout } from "../../../image/formats/index.js";
import type { Image } from "../../../image/image.js";
import { parseReference } from "../../../image/reference.js";
import { deflateAddon } from "../../../image/formats/native-gzip.js";
import { BUSYBOX, busyboxImage, diffIdsOf, gzipMembers, hasTool, listDir, removeDir, run, smallImage, tempDir } from "./helpers.js";
import { existsSync } from "node:fs";

const skip = (what: string, tool: string): boolean => {
  if (hasTool(tool) && (tool !== "busybox" || existsSync(BUSYBOX))) return false;
  console.log(`  (skipped: ${what} needs ${tool})`);
  return true;
};

async function saveTo(file: string, image: Image, tags: string[]): Promise<void> {
  await writeDockerArchive([{ image, tags }], createWriteStream(file));
}

test("skopeo inspect docker-archive: accepts kiln's archive (layers = diffIds, config as written)", async () => {
  if (skip("skopeo inspect", "skopeo")) return;
  const dir = tempDir();
  try {
    const image = await smallImage("s");
    const file = join(dir, "a.tar");
    await saveTo(file, image, ["kiln-test/app:1"]);
    const r = run("skopeo", ["inspect", `docker-archive:${file}`]);
    assert.is(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assert.equal(info.Layers, await diffIdsOf(image));
    assert.equal(info.Env, (await image.config()).config!.Env);
    const raw = run("skopeo", ["inspect", "--config", "--raw", `docker-archive:${file}`]);
    assert.ok(Buffer.from(raw.stdout).equals(await image.rawConfig()), "config bytes as written");
  } finally {
    removeDir(dir);
  }
});

test("skopeo copy docker-archive → oci: the copy has kiln's config content and diffIds (read back by readOciLayout)", async () => {
  if (skip("skopeo copy", "skopeo")) return;
  const dir = tempDir();
  try {
    const image = await smallImage("k");
    const file = join(dir, "a.tar");
    await saveTo(file, image, ["kiln-test/app:2"]);
    const r = run("skopeo", ["copy", "-q", `docker-archive:${file}`, `oci:${join(dir, "oci")}:copied`]);
    assert.is(r.status, 0, r.stderr);
    const [entry] = await readOciLayout(join(dir, "oci"));
    assert.equal(entry!.tags, ["copied"]);
    assert.equal(await diffIdsOf(entry!.image), await diffIdsOf(image));
    // skopeo re-serialises the config when it converts to OCI (Go field order): same content
    assert.equal(JSON.parse(JSON.stringify(await entry!.image.config())), JSON.parse(JSON.stringify(await image.config())));
  } finally {
    removeDir(dir);
  }
});

test("skopeo copy oci → docker-archive: kiln reads skopeo's archive (tags, config, diffIds, contents)", async () => {
  if (skip("skopeo copy", "skopeo")) return;
  const dir = tempDir();
  try {
    const image = await smallImage("b");
    await writeOciLayout(join(dir, "oci"), [{ image, tags: ["t"] }]);
    const file = join(dir, "skopeo.tar");
    const r = run("skopeo", ["copy", "-q", `oci:${join(dir, "oci")}:t`, `docker-archive:${file}:kiln-test/from-skopeo:3`]);
    assert.is(r.status, 0, r.stderr);
    const tmp = join(dir, "tmp");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(tmp);
    const loaded = await readArchive(createReadStream(file), { tmpDir: tmp });
    assert.is(loaded.images.length, 1);
    const got = loaded.images[0]!;
    assert.ok(got.tags.some((t) => t.endsWith("kiln-test/from-skopeo:3")), got.tags.join(","));
    assert.ok((await got.image.rawConfig()).equals(await image.rawConfig()));
    assert.equal(await diffIdsOf(got.image), await diffIdsOf(image));
    // and back to OCI with the same gzip: the manifest kiln writes is the one it wrote first
    await writeOciLayout(join(dir, "back"), [{ image: got.image, tags: ["t"] }]);
    const [back] = await readOciLayout(join(dir, "back"));
    const [first] = await readOciLayout(join(dir, "oci"));
    assert.is(await back!.image.digest(), await first!.image.digest());
    await loaded.cleanup();
    assert.equal(listDir(tmp), []);
  } finally {
    removeDir(dir);
  }
});

test("skopeo copy … docker-archive:/dev/stdout piped into readArchive (no seeking, symlinked legacy dirs)", async () => {
  if (skip("skopeo copy", "skopeo")) return;
  const dir = tempDir();
  try {
    const image = await smallImage("pipe");
    await writeOciLayout(join(dir, "oci"), [{ image, tags: ["t"] }]);
    const { spawn } = await import("node:child_process");
    // through `cat`: Node's stdio "pipe" is a socket, which /dev/stdout cannot be opened as
    const script = `skopeo copy -q oci:"$1":t docker-archive:/dev/stdout:kiln-test/piped:1 | cat`;
    const child = spawn("sh", ["-c", script, "sh", join(dir, "oci")], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const tmp = join(dir, "tmp");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(tmp);
    const loaded = await readArchive(child.stdout, { tmpDir: tmp }).catch((err) => {
      throw new Error(`${String(err)}; skopeo said: ${stderr}`);
    });
    assert.is(await exited, 0, stderr);
    assert.is(stderr, "");
    assert.ok(loaded.images[0]!.tags[0]!.endsWith("kiln-test/piped:1"));
    assert.equal(await diffIdsOf(loaded.images[0]!.image), await diffIdsOf(image));
    await loaded.cleanup();
    assert.equal(listDir(tmp), []);
  } finally {
    removeDir(dir);
  }
});

test("skopeo inspect oci: and oci-archive: accept kiln's layout directory and tar", async () => {
  if (skip("skopeo inspect", "skopeo")) return;
  const dir = tempDir();
  try {
    const image = await smallImage("i");
    const written = await writeOciLayout(join(dir, "oci"), [{ image, tags: ["v"] }]);
    let r = run("skopeo", ["inspect", `oci:${join(dir, "oci")}:v`]);
    assert.is(r.status, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).Digest, written[0]!.digest);
    const file = join(dir, "oci.tar");
    await writeOciLayout(createWriteStream(file), [{ image, tags: ["v"] }], { tmpDir: dir });
    r = run("skopeo", ["inspect", `oci-archive:${file}:v`]);
    assert.is(r.status, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).Digest, written[0]!.digest, "directory and tar hold the same manifest");
  } finally {
    removeDir(dir);
  }
});

function runtime(): string | undefined {
  for (const rt of ["runc", "crun"]) if (hasTool(rt)) return rt;
  return undefined;
}

test("umoci unpack + runc run: the busybox image built with image/tar.ts prints hello-from-kiln", async () => {
  if (skip("umoci unpack", "umoci") || skip("the test image", "busybox")) return;
  const rt = runtime();
  if (!rt) {
    console.log("  (skipped: running the bundle needs runc or crun)");
    return;
  }
  const dir = tempDir();
  try {
    await writeOciLayout(join(dir, "oci"), [{ image: await busyboxImage(), tags: ["bb"] }]);
    // the busybox layer (~2 MB) is gzip'ed in 1 MiB blocks: with the libdeflate addon, one gzip
    // member per block, which umoci (Go's gzip) must read as one stream
    const layout = JSON.parse(readFileSync(join(dir, "oci", "index.json"), "utf8")) as { manifests: { digest: string }[] };
    const manifest = JSON.parse(readFileSync(join(dir, "oci", "blobs", "sha256", digestHex(layout.manifests[0]!.digest as never)), "utf8")) as { layers: { digest: string }[] };
    const layerBlob = readFileSync(join(dir, "oci", "blobs", "sha256", digestHex(manifest.layers[0]!.digest as never)));
    assert.is(gzipMembers(layerBlob).length, deflateAddon() ? 2 : 1, "gzip members of the busybox layer");
    let r = run("umoci", ["unpack", "--image", `${join(dir, "oci")}:bb`, join(dir, "bundle")]);
    assert.is(r.status, 0, r.stderr);
    const configPath = join(dir, "bundle", "config.json");
    const spec = JSON.parse(readFileSync(configPath, "utf8"));
    spec.process.terminal = false;
    assert.equal(spec.process.args, ["/bin/sh", "-c", "echo hello-from-kiln"]);
    writeFileSync(configPath, JSON.stringify(spec));
    const id = `kiln-formats-${process.pid}`;
    r = run(rt, ["run", id], { cwd: join(dir, "bundle"), timeout: 60_000 });
    if (r.status !== 0 && /cgroup|permission|rlimit/i.test(r.stderr)) {
      console.log(`  (skipped: ${rt} cannot run containers on this machine: ${r.stderr.trim().split("\n").pop()})`);
      run(rt, ["delete", "-f", id]);
      return;
    }
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim(), "hello-from-kiln");
  } finally {
    removeDir(dir);
  }
});

test("podman load -i: loads kiln's docker-archive under its tag, image ID = config digest", async () => {
  if (skip("podman load", "podman")) return;
  const dir = tempDir();
  try {
    const image = await smallImage("p");
    const file = join(dir, "a.tar");
    await saveTo(file, image, ["kiln-test/podman:1"]);
    const podman = ["--root", join(dir, "root"), "--runroot", join(dir, "runroot"), "--storage-driver", "vfs"];
    const r = run("podman", [...podman, "load", "-i", file], { timeout: 120_000 });
    if (r.status !== 0 && /cannot|permission|namespace/i.test(r.stderr) && !/manifest|archive|blob/i.test(r.stderr)) {
      console.log(`  (skipped: podman does not work here: ${r.stderr.trim().split("\n").pop()})`);
      return;
    }
    assert.is(r.status, 0, r.stderr);
    assert.match(r.stdout, /Loaded image.*kiln-test\/podman:1/);
    const id = run("podman", [...podman, "image", "inspect", "--format", "{{.Id}}", "kiln-test/podman:1"]);
    assert.is(id.stdout.trim(), digestHex((await image.manifest()).config.digest));
    // an OCI layout tar named by Reference: podman reads io.containerd.image.name
    const oci = join(dir, "oci.tar");
    const other = await smallImage("p2");
    await writeOciLayout(createWriteStream(oci), [{ image: other, tags: [parseReference("kiln-test/podman-oci:2")] }], { tmpDir: dir });
    const r2 = run("podman", [...podman, "load", "-i", oci], { timeout: 120_000 });
    assert.is(r2.status, 0, r2.stderr);
    assert.match(r2.stdout, /Loaded image.*kiln-test\/podman-oci:2/);
    run("podman", [...podman, "rmi", "-a", "-f"]);
  } finally {
    run("sh", ["-c", `chmod -R u+w ${JSON.stringify(dir)} 2>/dev/null; true`]);
    removeDir(dir);
  }
});

test.run();
