import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseReference, tryParseReference, Reference } from "../../image/reference.js";
import { kilnError } from "./helpers.js";

const H64 = "f".repeat(64);
const D = `sha256:${H64}`;
const D512 = `sha512:${"e".repeat(128)}`;

interface Valid {
  input: string;
  canonical: string;
  familiar: string;
  domain?: string;
  path?: string;
  tag?: string | undefined;
  digest?: string | undefined;
}

const VALID: Valid[] = [
  { input: "alpine", canonical: "docker.io/library/alpine:latest", familiar: "alpine:latest", domain: "docker.io", path: "library/alpine", tag: "latest" },
  { input: "alpine:3.19", canonical: "docker.io/library/alpine:3.19", familiar: "alpine:3.19", tag: "3.19" },
  { input: "library/alpine", canonical: "docker.io/library/alpine:latest", familiar: "alpine:latest" },
  { input: "docker.io/alpine", canonical: "docker.io/library/alpine:latest", familiar: "alpine:latest" },
  { input: "docker.io/library/alpine:edge", canonical: "docker.io/library/alpine:edge", familiar: "alpine:edge" },
  { input: "index.docker.io/library/alpine", canonical: "docker.io/library/alpine:latest", familiar: "alpine:latest", domain: "docker.io" },
  { input: "index.docker.io/user/app", canonical: "docker.io/user/app:latest", familiar: "user/app:latest" },
  { input: "user/app", canonical: "docker.io/user/app:latest", familiar: "user/app:latest", domain: "docker.io", path: "user/app" },
  { input: "user/app/sub:v1", canonical: "docker.io/user/app/sub:v1", familiar: "user/app/sub:v1" },
  { input: "library/a/b", canonical: "docker.io/library/a/b:latest", familiar: "library/a/b:latest" },
  { input: "localhost/app", canonical: "localhost/app:latest", familiar: "localhost/app:latest", domain: "localhost", path: "app" },
  { input: "localhost:5000/x", canonical: "localhost:5000/x:latest", familiar: "localhost:5000/x:latest", domain: "localhost:5000", path: "x" },
  { input: "localhost:5000/app:dev", canonical: "localhost:5000/app:dev", familiar: "localhost:5000/app:dev", tag: "dev" },
  // a single component is always a Docker Hub name, even when it looks like a host
  { input: "localhost", canonical: "docker.io/library/localhost:latest", familiar: "localhost:latest" },
  { input: "localhost:5000", canonical: "docker.io/library/localhost:5000", familiar: "localhost:5000", tag: "5000" },
  { input: "test.com:5000", canonical: "docker.io/library/test.com:5000", familiar: "test.com:5000", path: "library/test.com", tag: "5000" },
  { input: "foo_bar.com:8080", canonical: "docker.io/library/foo_bar.com:8080", familiar: "foo_bar.com:8080", tag: "8080" },
  { input: "ghcr.io/owner/app:1.0", canonical: "ghcr.io/owner/app:1.0", familiar: "ghcr.io/owner/app:1.0", domain: "ghcr.io", path: "owner/app" },
  { input: "test:5000/repo", canonical: "test:5000/repo:latest", familiar: "test:5000/repo:latest", domain: "test:5000" },
  // upper case in the first component makes it a host (as Docker does)
  { input: "Foo/bar", canonical: "Foo/bar:latest", familiar: "Foo/bar:latest", domain: "Foo", path: "bar" },
  { input: "lowercase:Uppercase", canonical: "docker.io/library/lowercase:Uppercase", familiar: "lowercase:Uppercase", tag: "Uppercase" },
  { input: "a:_tag", canonical: "docker.io/library/a:_tag", familiar: "a:_tag", tag: "_tag" },
  { input: `alpine@${D}`, canonical: `docker.io/library/alpine@${D}`, familiar: `alpine@${D}`, tag: undefined, digest: D },
  { input: `alpine:3@${D}`, canonical: `docker.io/library/alpine:3@${D}`, familiar: `alpine:3@${D}`, tag: "3", digest: D },
  { input: `example.com:8080/a/b@${D}`, canonical: `example.com:8080/a/b@${D}`, familiar: `example.com:8080/a/b@${D}`, domain: "example.com:8080", path: "a/b", tag: undefined },
  { input: `xn--7o8h.com/myimage:xn--7o8h.com@${D512}`, canonical: `xn--7o8h.com/myimage:xn--7o8h.com@${D512}`, familiar: `xn--7o8h.com/myimage:xn--7o8h.com@${D512}`, digest: D512 },
  { input: "192.168.1.1/repo", canonical: "192.168.1.1/repo:latest", familiar: "192.168.1.1/repo:latest", domain: "192.168.1.1" },
  { input: "192.168.1.1:5000/repo:5050", canonical: "192.168.1.1:5000/repo:5050", familiar: "192.168.1.1:5000/repo:5050", domain: "192.168.1.1:5000", tag: "5050" },
  { input: "[2001:db8::1]:5000/repo:tag", canonical: "[2001:db8::1]:5000/repo:tag", familiar: "[2001:db8::1]:5000/repo:tag", domain: "[2001:db8::1]:5000", path: "repo" },
  { input: "[::1]/repo", canonical: "[::1]/repo:latest", familiar: "[::1]/repo:latest", domain: "[::1]" },
  { input: "sub-dom1.foo.com/bar/baz/quux:some-long-tag", canonical: "sub-dom1.foo.com/bar/baz/quux:some-long-tag", familiar: "sub-dom1.foo.com/bar/baz/quux:some-long-tag" },
  { input: "b.gcr.io/test.example.com/my-app:test.example.com", canonical: "b.gcr.io/test.example.com/my-app:test.example.com", familiar: "b.gcr.io/test.example.com/my-app:test.example.com", path: "test.example.com/my-app" },
  { input: "a__b/c--d/e.f_g", canonical: "docker.io/a__b/c--d/e.f_g:latest", familiar: "a__b/c--d/e.f_g:latest", path: "a__b/c--d/e.f_g" },
  { input: `app:${"t".repeat(128)}`, canonical: `docker.io/library/app:${"t".repeat(128)}`, familiar: `app:${"t".repeat(128)}` },
  // the longest path: 255 characters
  { input: `${"a/".repeat(127)}a`, canonical: `docker.io/${"a/".repeat(127)}a:latest`, familiar: `${"a/".repeat(127)}a:latest` },
];

for (const c of VALID) {
  test(`reference ok: ${c.input.length > 70 ? c.input.slice(0, 70) + "…" : c.input}`, () => {
    const ref = parseReference(c.input);
    assert.is(ref.toString(), c.canonical);
    assert.is(String(ref), c.canonical);
    assert.is(ref.familiarName(), c.familiar);
    if (c.domain !== undefined) assert.is(ref.domain, c.domain);
    if (c.path !== undefined) assert.is(ref.path, c.path);
    if ("tag" in c) assert.is(ref.tag, c.tag);
    if ("digest" in c) assert.is(ref.digest, c.digest);
    assert.is(ref.name, `${ref.domain}/${ref.path}`);
    // the canonical form parses to itself
    assert.is(parseReference(ref.toString()).toString(), c.canonical);
    assert.is(parseReference(ref.familiarName()).toString(), c.canonical);
  });
}

interface Invalid {
  input: string;
  /** Words the message must contain besides the quoted reference. */
  says: string;
}

const INVALID: Invalid[] = [
  { input: "", says: "empty" },
  { input: ":justtag", says: "repository name is missing" },
  { input: `@${D}`, says: "repository name is missing" },
  { input: "Uppercase:tag", says: "must be lower-case" },
  { input: "test:5000/Uppercase/lowercase:tag", says: "must be lower-case" },
  { input: `repo@sha256:${"f".repeat(34)}`, says: "64" },
  { input: `validname@invaliddigest:${H64}`, says: "unsupported algorithm" },
  { input: `repo@sha256:${"F".repeat(64)}`, says: "upper-case hex" },
  { input: "repo@sha256:xyz", says: "sha256:<64 hex characters>" },
  { input: "repo@", says: "digest after '@' is empty" },
  { input: `${"a/".repeat(128)}a:tag`, says: "maximum is 255" },
  { input: "aa/asdf$$^/aa", says: '"asdf$$^"' },
  { input: "alpine:", says: "tag after ':' is empty" },
  { input: "alpine:-bad", says: 'tag "-bad" must start with' },
  { input: "alpine:a+b", says: "tag" },
  { input: `alpine:${"t".repeat(129)}`, says: "129 characters long; the maximum is 128" },
  { input: H64, says: "image ID" },
  { input: "[2001:db8::1]", says: "tag" },
  { input: "[fe80::1%eth0]:5000/repo", says: "registry host" },
  { input: "host:abc/x", says: "registry host" },
  { input: "-host.com/x", says: "registry host" },
  { input: "a//b", says: "empty component" },
  { input: "alpine/", says: "empty component" },
  { input: "-foo", says: '"-foo"' },
  { input: "foo_", says: '"foo_"' },
  { input: "foo___bar", says: "separated by" },
  { input: "foo bar", says: "whitespace" },
  { input: `a@b@${D}`, says: "digest" },
];

for (const c of INVALID) {
  test(`reference refused: ${JSON.stringify(c.input.length > 60 ? c.input.slice(0, 60) + "…" : c.input)}`, async () => {
    const err = await kilnError(() => parseReference(c.input));
    assert.is(err.code, "invalid-reference");
    assert.ok(err.message.includes(JSON.stringify(c.input)), `message names the reference: ${err.message}`);
    assert.ok(err.message.includes(c.says), `message says ${JSON.stringify(c.says)}: ${err.message}`);
    assert.is(tryParseReference(c.input), undefined);
  });
}

test("reference: withTag, withDigest, repository return new values", () => {
  const ref = parseReference("alpine:3");
  const tagged = ref.withTag("edge");
  assert.is(tagged.toString(), "docker.io/library/alpine:edge");
  assert.is(ref.toString(), "docker.io/library/alpine:3");
  const pinned = ref.withDigest(D);
  assert.is(pinned.toString(), `docker.io/library/alpine:3@${D}`);
  assert.is(pinned.withTag("x").toString(), "docker.io/library/alpine:x");
  assert.is(ref.repository().toString(), "docker.io/library/alpine");
  assert.is(ref.repository().familiarName(), "alpine");
  assert.is(ref.familiarRepository(), "alpine");
  assert.ok(ref.equals(parseReference("docker.io/library/alpine:3")));
  assert.not.ok(ref.equals(tagged));
  assert.throws(() => ref.withTag("-x"), (e: { code: string }) => e.code === "invalid-reference");
  assert.throws(() => ref.withDigest("sha256:1"), (e: { code: string }) => e.code === "invalid-reference");
  assert.ok(Object.isFrozen(ref));
  assert.ok(Reference.parse("alpine") instanceof Reference);
  assert.is(JSON.stringify({ ref }), `{"ref":"docker.io/library/alpine:3"}`);
});

test.run();
