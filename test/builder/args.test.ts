/** Argument scopes and platforms. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { automaticArgs, isProxyArg, proxyEnv } from "../../builder/args.js";
import { nodePlatform, normalizePlatform, parseTargetPlatform } from "../../builder/platform.js";

test("Node's process.arch maps to OCI architectures", () => {
  const table: [string, string, object][] = [
    ["linux", "x64", { os: "linux", architecture: "amd64" }],
    ["linux", "arm64", { os: "linux", architecture: "arm64" }],
    ["linux", "arm", { os: "linux", architecture: "arm", variant: "v7" }],
    ["linux", "ia32", { os: "linux", architecture: "386" }],
    ["linux", "ppc64", { os: "linux", architecture: "ppc64le" }],
    ["linux", "s390x", { os: "linux", architecture: "s390x" }],
    ["win32", "x64", { os: "windows", architecture: "amd64" }],
  ];
  for (const [os, arch, want] of table) assert.equal(nodePlatform(os, arch), want, `${os}/${arch}`);
});

test("platform normalisation as containerd does it", () => {
  assert.equal(parseTargetPlatform("linux/x86_64"), { os: "linux", architecture: "amd64" });
  assert.equal(parseTargetPlatform("linux/aarch64"), { os: "linux", architecture: "arm64" });
  assert.equal(parseTargetPlatform("linux/arm64/v8"), { os: "linux", architecture: "arm64" });
  assert.equal(parseTargetPlatform("linux/arm"), { os: "linux", architecture: "arm", variant: "v7" });
  assert.equal(normalizePlatform({ os: "Linux", architecture: "armhf" }), { os: "linux", architecture: "arm", variant: "v7" });
});

test("automatic ARGs, overridable by --build-arg", () => {
  const a = automaticArgs({ os: "linux", architecture: "amd64" }, { os: "linux", architecture: "arm", variant: "v7" }, "final", new Map([["BUILDOS", "x"]]));
  assert.equal(Object.fromEntries(a), {
    BUILDPLATFORM: "linux/amd64", BUILDOS: "x", BUILDOSVERSION: "", BUILDARCH: "amd64", BUILDVARIANT: "",
    TARGETPLATFORM: "linux/arm/v7", TARGETOS: "linux", TARGETOSVERSION: "", TARGETARCH: "arm", TARGETVARIANT: "v7", TARGETSTAGE: "final",
  });
});

test("proxy ARGs: any case, both cases in the env, lower-case --build-arg wins", () => {
  assert.ok(isProxyArg("https_proxy") && isProxyArg("ALL_PROXY") && !isProxyArg("PROXY"));
  const env = proxyEnv(new Map([["HTTP_PROXY", "upper"], ["http_proxy", "lower"], ["FTP_PROXY", ""], ["OTHER", "x"]]));
  assert.equal(env, [["HTTP_PROXY", "lower"], ["http_proxy", "lower"]]);
});

test.run();
