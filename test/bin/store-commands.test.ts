/**
 * The image commands end to end (the bundled CLI, a temp --root): import/export round trips,
 * images/inspect/history output, tag/rmi semantics, prune/df, and faults that must leave the
 * store exactly as it was.
 */
import { spawnSync } from "node:child_process";
import { Readable } from "node:stream";
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import tarStream from "tar-stream";
import { createTar, digestHex, type Digest, type TarEntry } from "../../image/index.js";
import { collect, readTar } from "../image/helpers.js";
import { haveTool, listing, tempDir } from "../cache/helpers.js";
import { kilnBin, repoRoot } from "./helpers.js";
import { main } from "../../bin/main.js";
import type { Io } from "../../bin/io.js";

const t = tempDir("kiln-cli-store-");
const root = join(t.dir, "root");

/**
 * Runs the CLI in-process (bin/main.ts, as the binary does, with a captured Io) against the
 * temp store: spawning ~70 processes would cost half a minute. The busybox test at the end runs
 * the real bundled binary.
 */
async function kiln(args: string[], input?: Buffer | string, env: Record<string, string> = {}) {
  const out: Buffer[] = [];
  const err: string[] = [];
  const io: Io = {
    stdin: Readable.from([Buffer.from(input ?? "")], { objectMode: false }),
    stdout: { write: (c: string | Uint8Array) => out.push(Buffer.from(c)) },
    stderr: { write: (c: string) => err.push(c) },
    cwd: t.dir,
    env: { ...process.env, NO_COLOR: "1", KILN_DEBUG: "", ...env },
  };
  const status = await main(["--root", root, ...args], io);
  const bytes = Buffer.concat(out);
  return { status, stdout: bytes.toString("utf8"), stdoutBytes: bytes, stderr: err.join("") };
}

function spawnKiln(args: string[]) {
  const r = spawnSync(process.execPath, [kilnBin, "--root", root, ...args], { cwd: t.dir, env: { ...process.env, NO_COLOR: "1" }, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout.toString("utf8"), stdoutBytes: r.stdout, stderr: r.stderr.toString("utf8") };
}

async function ok(args: string[], input?: Buffer | string, env?: Record<string, string>) {
  const r = await kiln(args, input, env);
  assert.is(r.status, 0, `kiln ${args.join(" ")}: ${r.stderr}`);
  return r;
}

const rootfs: TarEntry[] = [
  { type: "directory", path: "bin", mode: 0o755 },
  { type: "file", path: "bin/busybox", body: Buffer.from("#!fake busybox\n"), mode: 0o755 },
  { type: "symlink", path: "bin/sh", target: "/bin/busybox" },
  { type: "hardlink", path: "bin/ash", target: "bin/busybox" },
  { type: "file", path: "bin/su", body: Buffer.from("setuid"), mode: 0o4755 },
  { type: "directory", path: "etc", mode: 0o755 },
  { type: "file", path: "etc/passwd", body: Buffer.from("root:x:0:0:root:/root:/bin/sh\n"), mode: 0o644 },
  { type: "directory", path: "home/app", mode: 0o750, uid: 1000, gid: 1000 },
  { type: "file", path: "home/app/notes", body: Buffer.from("mine"), mode: 0o600, uid: 1000, gid: 1000 },
  { type: "file", path: "nobody-owned", body: Buffer.from("n"), uid: 65534, gid: 65534 },
  { type: "file", path: "big-ids", body: Buffer.from("b"), uid: 3_000_000, gid: 3_000_001 },
  { type: "directory", path: "tmp", mode: 0o1777 },
  { type: "file", path: "empty", mode: 0o644 },
];

async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  return collect(createTar(entries));
}

type Summary = Record<string, string>;
function summarize(entries: Awaited<ReturnType<typeof readTar>>): Summary {
  const out: Summary = {};
  for (const e of entries) {
    const h = e.header;
    out[h.name.replace(/\/$/, "")] = `${h.type} ${(h.mode ?? 0).toString(8)} ${h.uid}:${h.gid} ${h.linkname ?? ""} ${e.body.toString("base64")}`;
  }
  return out;
}

test.after(() => t.cleanup());

test("import (file and gzip on stdin) → export keeps content, modes, owners and links", async () => {
  const tar = await tarOf(rootfs);
  writeFileSync(join(t.dir, "rootfs.tar"), tar);
  const id = (await ok(["import", "rootfs.tar", "rt:plain"])).stdout.trim();
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  const id2 = (await ok(["import", "-", "rt:gzip"], gzipSync(tar))).stdout.trim();
  assert.is(id2.length, id.length);
  const want = summarize(await readTar(tar));
  for (const name of ["rt:plain", "rt:gzip"]) {
    const r = await ok(["export", name]);
    const got = summarize(await readTar(r.stdoutBytes));
    assert.equal(got, want, name);
  }
  await ok(["export", "rt:plain", "-o", "out.tar"]);
  assert.equal(summarize(await readTar(readFileSync(join(t.dir, "out.tar")))), want);
  // same tarball, same layer: both images share the one blob
  const layers = async (n: string) => JSON.parse((await ok(["inspect", n])).stdout)[0].RootFS.Layers;
  assert.equal(await layers("rt:plain"), await layers("rt:gzip"));
});

test("import --change and --message set the config; inspect and its --format", async () => {
  writeFileSync(join(t.dir, "small.tar"), await tarOf([{ type: "file", path: "a", body: Buffer.from("a") }]));
  await ok([
    "import", "small.tar", "localhost:5000/app:v1",
    "-c", 'CMD ["/bin/sh", "-c", "echo hi"]',
    "-c", "ENV A=1 PATH=/usr/bin:/bin",
    "-c", "ENV B=$A-x",
    "-c", 'LABEL org.opencontainers.image.title="the app" k=v',
    "-c", "EXPOSE 80 53/udp",
    "-c", "WORKDIR /srv",
    "-c", "WORKDIR data",
    "-c", "USER 1000:1000",
    "-c", "VOLUME /data",
    "-c", "STOPSIGNAL SIGTERM",
    "-c", "ONBUILD RUN echo built",
    "-m", "hello import",
  ], undefined, { SOURCE_DATE_EPOCH: "1700000000" });
  const [info] = JSON.parse((await ok(["inspect", "localhost:5000/app:v1"])).stdout);
  assert.equal(info.RepoTags, ["localhost:5000/app:v1"]);
  assert.match(info.RepoDigests[0], /^localhost:5000\/app@sha256:/);
  assert.is(info.Created, "2023-11-14T22:13:20Z");
  assert.is(info.Comment, "hello import");
  assert.equal(info.Config.Cmd, ["/bin/sh", "-c", "echo hi"]);
  assert.equal(info.Config.Env, ["A=1", "PATH=/usr/bin:/bin", "B=1-x"]);
  assert.equal(info.Config.Labels, { "org.opencontainers.image.title": "the app", k: "v" });
  assert.equal(info.Config.ExposedPorts, { "80/tcp": {}, "53/udp": {} });
  assert.is(info.Config.WorkingDir, "/srv/data");
  assert.is(info.Config.User, "1000:1000");
  assert.equal(info.Config.Volumes, { "/data": {} });
  assert.is(info.Config.StopSignal, "SIGTERM");
  assert.equal(info.Config.OnBuild, ["RUN echo built"]);
  assert.is(info.Os, "linux");
  assert.is(info.RootFS.Type, "layers");
  assert.is(info.Size, 2048);
  const f = async (tpl: string) => (await ok(["inspect", "--format", tpl, "localhost:5000/app:v1"])).stdout;
  assert.is(await f("{{.Config.Env}}"), "[A=1 PATH=/usr/bin:/bin B=1-x]\n");
  assert.is(await f("{{json .Config.Cmd}}"), '["/bin/sh","-c","echo hi"]\n');
  assert.is(await f('{{index .Config.Labels "k"}}'), "v\n");
  assert.is(await f("{{range .RepoTags}}{{.}} {{end}}"), "localhost:5000/app:v1 \n");
  assert.is(await f("{{.Id}}"), `${info.Id}\n`);
  // options before the positionals take one value each, as docker's do
  await ok(["import", "-c", 'CMD ["sh"]', "--message", "first", "small.tar", "opts:first"]);
  assert.is(await (async () => (await ok(["inspect", "--format", "{{json .Config.Cmd}}", "opts:first"])).stdout)(), '["sh"]\n');
  assert.is((await ok(["images", "--filter", "reference=opts:*", "-q"])).stdout.trim().split("\n").length, 1);
  const hist = (await ok(["history", "localhost:5000/app:v1"])).stdout.split("\n");
  assert.match(hist[0]!, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
  assert.match(hist[1]!, new RegExp(`^${digestHex(info.Id as Digest).slice(0, 12)}\\s+\\d+ \\w+ ago\\s+2.05kB\\s+hello import$`));
  assert.is((await ok(["history", "-q", "localhost:5000/app:v1"])).stdout, `${digestHex(info.Id as Digest).slice(0, 12)}\n`);
  const missing = await kiln(["inspect", "localhost:5000/app:v1", "nothere"]);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /No such image: nothere/);
  assert.is(JSON.parse(missing.stdout).length, 1);
});

test("images: table, -q, --no-trunc, json, template, filters", async () => {
  const table = (await ok(["images"])).stdout.split("\n");
  assert.match(table[0]!, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
  assert.ok(table.some((l) => /^localhost:5000\/app\s+v1\s+[0-9a-f]{12}\s+.+ ago\s+2.05kB$/.test(l)), table.join("\n"));
  assert.ok(table.some((l) => /^rt\s+plain\s+/.test(l)));
  for (const id of (await ok(["images", "-q"])).stdout.trim().split("\n")) assert.match(id, /^[0-9a-f]{12}$/);
  for (const id of (await ok(["images", "-q", "--no-trunc"])).stdout.trim().split("\n")) assert.match(id, /^sha256:[0-9a-f]{64}$/);
  const json = (await ok(["images", "--format", "json"])).stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(json.some((r) => r.Repository === "rt" && r.Tag === "gzip" && /^[0-9a-f]{12}$/.test(r.ID)));
  assert.is((await ok(["images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "reference=rt:*"])).stdout.split("\n").sort().join(" ").trim(), "rt:gzip rt:plain");
  assert.is((await ok(["images", "--format", "{{.Repository}}", "--filter", "reference=localhost:5000/*"])).stdout, "localhost:5000/app\n");
  assert.is((await ok(["images", "rt", "-q"])).stdout.trim().split("\n").length, 2);
  assert.is((await ok(["images", "--filter", "dangling=true", "-q"])).stdout, "");
  assert.is((await kiln(["images", "--filter", "bogus=1"])).status, 2);
  // a repeatable option takes one value: the positional after it stays a positional
  assert.is((await ok(["images", "--filter", "dangling=false", "rt", "-q"])).stdout.trim().split("\n").length, 2);
});

test("repeatable options before the positionals take one value each (import -c … FILE REF)", async () => {
  writeFileSync(join(t.dir, "order.tar"), await tarOf([{ type: "file", path: "a", body: Buffer.from("a") }]));
  await ok(["import", "-c", 'CMD ["sh"]', "-c", "ENV A=1", "order.tar", "order:1"]);
  const [info] = JSON.parse((await ok(["inspect", "order:1"])).stdout);
  assert.equal(info.Config.Cmd, ["sh"]);
  assert.ok(info.Config.Env.includes("A=1"), JSON.stringify(info.Config.Env));
});

test("tag and rmi behave like docker", async () => {
  await ok(["tag", "rt:plain", "other/repo:1"]);
  await ok(["tag", "rt:plain", "rt:extra"]);
  const id = (await ok(["inspect", "--format", "{{.Id}}", "rt:plain"])).stdout.trim();
  // an ID named in several repositories needs -f
  const conflict = await kiln(["rmi", digestHex(id as Digest).slice(0, 12)]);
  assert.is(conflict.status, 1);
  assert.match(conflict.stderr, /conflict: unable to delete [0-9a-f]{12} \(must be forced\) - image is referenced in multiple repositories/);
  // a name only untags while other names remain
  assert.is((await ok(["rmi", "other/repo:1"])).stdout, "Untagged: other/repo:1\n");
  assert.is((await ok(["rmi", "rt:extra"])).stdout, "Untagged: rt:extra\n");
  // rt:plain and rt:gzip are the same image (same tarball, same config? no: different comments)
  const r = await ok(["rmi", "rt:plain"]);
  assert.match(r.stdout, /^Untagged: rt:plain\nDeleted: sha256:[0-9a-f]{64}\n$/);
  const gone = await kiln(["rmi", "rt:plain"]);
  assert.is(gone.status, 1);
  assert.match(gone.stderr, /No such image: rt:plain/);
  // -f on an ID with names in several repositories
  await ok(["tag", "rt:gzip", "elsewhere:1"]);
  const gzId = (await ok(["inspect", "--format", "{{.Id}}", "rt:gzip"])).stdout.trim();
  const forced = (await ok(["rmi", "-f", gzId])).stdout;
  assert.match(forced, /Untagged: elsewhere:1\nUntagged: rt:gzip\nDeleted: sha256:/);
  assert.is((await kiln(["tag", "nothere", "x:1"])).status, 1);
  const bad = await kiln(["tag", "localhost:5000/app:v1", "Bad:Name"]);
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /invalid image reference "Bad:Name"/);
});

test("faults leave the store exactly as it was", async () => {
  const good = await tarOf([{ type: "file", path: "x", body: Buffer.alloc(5000, 1) }]);
  const pack = tarStream.pack();
  pack.entry({ name: "../escape", size: 1 }, "e");
  pack.finalize();
  const escaping = await collect(pack as unknown as AsyncIterable<Uint8Array>);
  const cases: [string, string[], Buffer | undefined, RegExp][] = [
    ["truncated tar", ["import", "-", "f:1"], good.subarray(0, 1500), /standard input: it is truncated/],
    ["corrupt gzip", ["import", "-", "f:1"], Buffer.concat([gzipSync(good).subarray(0, 30), Buffer.alloc(30, 7)]), /gzip data is corrupt or truncated/],
    ["not a tar", ["import", "-", "f:1"], Buffer.from("hello world, no tar here ".repeat(50)), /not a tar archive/],
    ["escaping member", ["import", "-", "f:1"], escaping, /escapes the root/],
    ["empty input", ["import", "-", "f:1"], Buffer.alloc(0), /empty/],
    ["bad reference", ["import", "-", "UPPERCASE:1"], good, /invalid image reference/],
    ["digest as name", ["import", "-", `x@sha256:${"a".repeat(64)}`], good, /not a digest/],
    ["unsupported change", ["import", "-", "f:1", "-c", "RUN echo"], good, /RUN is not supported/],
    ["bad change", ["import", "-", "f:1", "-c", "EXPOSE notaport"], good, /invalid port/],
    ["missing file", ["import", "nope.tar"], undefined, /no such file/],
    ["unknown image", ["export", "nothere", "-o", "x.tar"], undefined, /No such image: nothere/],
    ["ambiguous-free bad ref", ["inspect", "::"], undefined, /No such image|invalid/],
  ];
  for (const [name, args, input, message] of cases) {
    const before = listing(root);
    const r = await kiln(args, input);
    assert.is.not(r.status, 0, name);
    assert.match(r.stderr, message, `${name}: ${r.stderr}`);
    assert.equal(listing(root), before, `${name} left the store as it was`);
  }
});

test("missing and corrupt blobs are named, not crashed on", async () => {
  writeFileSync(join(t.dir, "m.tar"), await tarOf([{ type: "file", path: "m", body: Buffer.from("m") }]));
  await ok(["import", "m.tar", "m:1"]);
  const [info] = JSON.parse((await ok(["inspect", "m:1"])).stdout);
  const blob = join(root, "blobs", "sha256", digestHex(info.RootFS.Layers[0] as Digest));
  const saved = readFileSync(blob);
  writeFileSync(blob, Buffer.concat([saved.subarray(0, saved.length - 1), Buffer.from([saved[saved.length - 1]! ^ 1])]));
  const corrupt = await kiln(["export", "m:1", "-o", "m-out.tar"]);
  assert.is(corrupt.status, 1);
  assert.match(corrupt.stderr, new RegExp(`expected ${info.RootFS.Layers[0]}`));
  unlinkSync(blob);
  const missing = await kiln(["export", "m:1", "-o", "m-out.tar"]);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /is missing from the store/);
  assert.not.ok(listing(t.dir).some((l) => l.startsWith("m-out.tar")), "no partial output file");
  writeFileSync(blob, saved);
});

test("system df and prune", async () => {
  writeFileSync(join(t.dir, "d.tar"), readFileSync(join(t.dir, "small.tar")));
  await ok(["import", "d.tar", "-m", "dangling one"]); // no name: dangling
  assert.match((await ok(["images", "--filter", "dangling=true"])).stdout, /<none>\s+<none>/);
  const df = (await ok(["system", "df"])).stdout;
  assert.match(df, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE\n/);
  assert.match(df, /\nImages\s+\d+\s+\d+\s+/);
  writeFileSync(join(root, "tmp", "blob.999999998.1.0123456789ab"), "stale");
  const pruned = (await ok(["system", "prune", "-f"])).stdout;
  assert.match(pruned, /Deleted Images:\ndeleted: sha256:[0-9a-f]{64}\n/);
  assert.match(pruned, /Removed 1 stale temp file/);
  assert.not.ok(listing(root).some((l) => l.includes("999999998")), "the dead process's temp file is gone");
  assert.match(pruned, /Total reclaimed space: /);
  assert.is((await ok(["images", "--filter", "dangling=true", "-q"])).stdout, "");
  assert.match((await ok(["system", "prune"])).stdout, /Total reclaimed space: 0B/);
});

test("the busybox fixture imports as kiln.local/busybox:latest and skopeo reads it", async () => {
  if (!haveTool("busybox")) return;
  const out = join(t.dir, "busybox.tar");
  const script = spawnSync("sh", [join(repoRoot, "fixtures/images/make-busybox-rootfs.sh"), out], { encoding: "utf8" });
  assert.is(script.status, 0, script.stderr);
  await ok(["import", out, "kiln.local/busybox:latest", "-c", 'CMD ["sh"]']);
  const exported = spawnKiln(["export", "kiln.local/busybox"]);
  assert.is(exported.status, 0, exported.stderr);
  const entries = summarize(await readTar(exported.stdoutBytes));
  assert.match(entries["bin/busybox"]!, /^file 755 0:0 /);
  assert.match(entries["bin/sh"]!, /^symlink 777 0:0 \/bin\/busybox/);
  assert.match(entries["home/app"]!, /^directory 755 1000:1000/);
  assert.match(entries["tmp"]!, /^directory 1777 0:0/);
  assert.match(entries["root"]!, /^directory 700 0:0/);
  assert.match(Buffer.from(entries["etc/passwd"]!.split(" ").pop()!, "base64").toString(), /^app:x:1000:1000:/m);
  if (!haveTool("skopeo")) return;
  const sk = spawnSync("skopeo", ["inspect", `oci:${root}:kiln.local/busybox:latest`], { encoding: "utf8" });
  assert.is(sk.status, 0, sk.stderr);
  const id = (await ok(["inspect", "--format", "{{.Descriptor.digest}}", "kiln.local/busybox"])).stdout.trim();
  assert.is(JSON.parse(sk.stdout).Digest, id);
});

test.run();
