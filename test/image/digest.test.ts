import { pipeline } from "node:stream/promises";
import { PassThrough } from "node:stream";
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  DigestHasher,
  DigestTransform,
  EMPTY_SHA256,
  digestAlgorithm,
  digestHex,
  digestOf,
  digestStream,
  isDigest,
  parseDigest,
} from "../../image/digest.js";
import { collect, kilnError, streamOf } from "./helpers.js";

const ABC = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

test("digest: sha256 of known inputs", () => {
  assert.is(digestOf(""), EMPTY_SHA256);
  assert.is(digestOf(Buffer.alloc(0)), EMPTY_SHA256);
  assert.is(digestOf("abc"), ABC);
  assert.is(digestOf(Buffer.from("abc")), ABC);
  assert.ok(digestOf("abc", "sha512").startsWith("sha512:ddaf35a193617aba"));
});

test("digest: parse accepts sha256 and sha512", () => {
  assert.is(parseDigest(ABC), ABC);
  const d512 = digestOf("abc", "sha512");
  assert.is(parseDigest(d512), d512);
  assert.is(digestAlgorithm(ABC), "sha256");
  assert.is(digestHex(ABC), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.ok(isDigest(ABC));
  assert.not.ok(isDigest("sha256:abc"));
  assert.not.ok(isDigest(42));
});

const BAD: [string, string][] = [
  ["", "empty"],
  ["sha256", 'no ":"'],
  ["sha256:", "encoded part is empty"],
  [":abc", "not a valid algorithm"],
  ["SHA256:" + "a".repeat(64), "not a valid algorithm"],
  ["sha256:abc", "needs 64 hex characters, got 3"],
  ["sha256:" + "A".repeat(64), "upper-case hex is not allowed"],
  ["sha256:" + "g".repeat(64), "lower-case hex"],
  ["sha256:" + "a".repeat(65), "got 65"],
  ["md5:" + "a".repeat(32), 'unsupported algorithm "md5"'],
  ["sha512:" + "a".repeat(64), "needs 128"],
  ["sha256:a/b", "characters other than"],
];

for (const [input, says] of BAD) {
  test(`digest refused: ${JSON.stringify(input.slice(0, 40))}`, async () => {
    const err = await kilnError(() => parseDigest(input));
    assert.is(err.code, "invalid-digest");
    assert.ok(err.message.includes(JSON.stringify(input)), err.message);
    assert.ok(err.message.includes(says), `expected ${JSON.stringify(says)} in: ${err.message}`);
  });
}

test("digest: incremental hasher counts bytes", () => {
  const h = new DigestHasher();
  h.update(Buffer.from("a")).update(Buffer.from("bc"));
  assert.is(h.size, 3);
  assert.is(h.digest(), ABC);
  assert.is(h.digest(), ABC);
  assert.throws(() => h.update(Buffer.from("x")));
});

test("digest: transform passes bytes through and yields digest and size at the end", async () => {
  const t = new DigestTransform();
  assert.throws(() => t.digest);
  const out = new PassThrough();
  const [, body] = await Promise.all([pipeline(streamOf("a", "b", "c"), t, out), collect(out)]);
  assert.is(body.toString(), "abc");
  assert.equal(await t.result, { digest: ABC, size: 3 });
  assert.is(t.digest, ABC);
  assert.is(t.size, 3);
});

test("digest: transform verifies an expected digest and size", async () => {
  const ok = new DigestTransform({ expect: { digest: ABC, size: 3 } });
  await collect(streamOf("abc").pipe(ok));
  assert.is(ok.digest, ABC);

  const wrong = new DigestTransform({ expect: { digest: EMPTY_SHA256, what: "blob x" } });
  const err = await kilnError(() => pipeline(streamOf("abc"), wrong, new PassThrough().resume()));
  assert.is(err.code, "digest-mismatch");
  assert.ok(err.message.includes("blob x"));
  assert.ok(err.message.includes(ABC));
  const rejected = await kilnError(() => wrong.result);
  assert.is(rejected.code, "digest-mismatch");

  const short = new DigestTransform({ expect: { digest: ABC, size: 4 } });
  const sizeErr = await kilnError(() => pipeline(streamOf("abc"), short, new PassThrough().resume()));
  assert.ok(sizeErr.message.includes("expected 4 bytes"));
});

test("digest: digestStream reads to the end", async () => {
  assert.equal(await digestStream(streamOf("ab", "c")), { digest: ABC, size: 3 });
  const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0x61);
  assert.equal(await digestStream(streamOf(big)), { digest: digestOf(big), size: big.length });
});

test.run();
