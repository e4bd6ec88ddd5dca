/** ADD: local archives unpacked, URLs, git, --checksum, --unpack, --keep-git-dir. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, rejects } from "../helpers.js";
import type { CopyEffect } from "../../../builder/effects.js";

const copies = (b: { effects: { kind: string }[] }) => b.effects.filter((e) => e.kind === "copy") as CopyEffect[];

test("local sources unpack by default; URL sources do not unless --unpack=true", async () => {
  const b = await build("FROM scratch\nADD app.tar.gz https://example.com/dl/tool.tgz /opt/\nADD --unpack=true https://example.com/ /x/\nADD --unpack=false a.tar /y/\n");
  const [a, u, n] = copies(b);
  assert.is(a!.unpack, true);
  assert.equal(a!.sources, [{ kind: "path", path: "app.tar.gz" }, { kind: "url", url: "https://example.com/dl/tool.tgz", filename: "tool.tgz", unpack: false }]);
  assert.equal(u!.sources, [{ kind: "url", url: "https://example.com/", filename: "__unnamed__", unpack: true }]);
  assert.is(n!.unpack, false);
  assert.is(a!.history.createdBy, "ADD app.tar.gz https://example.com/dl/tool.tgz /opt/ # buildkit");
});

test("git sources and --keep-git-dir; --checksum only for one URL or git source", async () => {
  const b = await build("FROM scratch\nADD --keep-git-dir https://github.com/moby/buildkit.git#v0.12 /src\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/f /f\n");
  const [g, c] = copies(b);
  assert.equal(g!.sources, [{ kind: "git", url: "https://github.com/moby/buildkit.git#v0.12" }]);
  assert.is(g!.keepGitDir, true);
  assert.is(c!.checksum, "sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d");
  await rejects(build("FROM scratch\nADD --checksum=sha256:00 a /x\n"), "build-invalid-instruction", "checksum requires HTTP(S) or Git sources");
  await rejects(build("FROM scratch\nADD --checksum=sha256:00 https://a/b https://a/c /x/\n"), "build-invalid-instruction", "multiple sources");
});

test.run();
