// False positives reported against hadolint (issue numbers from github.com/hadolint/hadolint),
// and the kiln behaviour that fixes them: ARG values are resolved (or the rule stays silent),
// heredocs and BuildKit flags parse, cache mounts count as cleanup, RUN bodies are shell syntax
// rather than text. Each case: [what, Dockerfile, rule ids that must NOT be reported].
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULT_CONFIG, lint, mergeConfig, type LintOptions } from "../../../../linter/index.js";
import { repoRoot } from "../../../helpers/paths.js";

const all = mergeConfig(DEFAULT_CONFIG, { enable: ["all"] });

const cases: ReadonlyArray<readonly [string, string, readonly string[], LintOptions?]> = [
  // ARG-provided images (#219, #339, #858, #979, #1078).
  ["#219 image and tag from one ARG", "ARG BASE_IMAGE=alpine:3.7\nFROM $BASE_IMAGE\n", ["DL3006", "DL3007"]],
  ["#1078 image with tag and digest from an ARG", "ARG PY=python:3.12.9-slim@sha256:" + "a".repeat(64) + "\nFROM ${PY} AS builder\n", ["DL3006"]],
  ["#858 ${BASE_IMAGE} with a tagged default", "ARG BASE_IMAGE=alpine:3\nFROM ${BASE_IMAGE} as main\n", ["DL3006"]],
  ["#339 default inside the reference", "ARG BASE_IMAGE\nFROM ${BASE_IMAGE:-debian:9}\n", ["DL3006"]],
  ["#1078 FROM ${IMAGE}:${TAG} without defaults", "ARG IMAGE\nARG TAG\nFROM ${IMAGE}:${TAG}\n", ["DL3006", "DL3007", "DL3026"]],
  ["#979 stage chosen by ARG", "ARG src=1\nFROM alpine:3.20 AS img1\nFROM alpine:3.20 AS img2\nFROM img${src} AS final\n", ["DL3006"]],
  ["registry and tag from ARGs", "ARG REGISTRY=docker.io\nARG TAG=12\nFROM ${REGISTRY}/library/debian:${TAG}\n", ["DL3006", "DL3007"]],
  ["--build-arg supplies the tag", "ARG TAG\nFROM debian:${TAG}\n", ["DL3006", "DL3007"], { buildArgs: { TAG: "12" } }],
  ["#847/#315 trusted registry given through an ARG", "ARG SERVER=registry.corp:8099\nFROM $SERVER/base/alpine:1.0.0\n", ["DL3026"],
    { config: mergeConfig(all, { trustedRegistries: ["registry.corp:8099"] }) }],
  ["#859 COPY --from an image without a tag", "FROM scratch\nCOPY --from=hello-world /hello /hello\n", ["DL3022"]],
  // Cache and tmpfs mounts make cleanup unnecessary (#723, #943, #1095, #671, #497, #983, #1003).
  ["#723 apt cache mounts", "FROM ubuntu:22.04\nRUN --mount=type=cache,target=/var/cache/apt \\\n    --mount=type=cache,target=/var/lib/apt \\\n    apt-get update && apt-get install -y --no-install-recommends gcc=4:9\n", ["DL3009"]],
  ["#943 mount options in any order", "FROM ubuntu:22.04\nRUN --mount=target=/var/lib/apt/lists,type=cache,sharing=locked \\\n    apt-get update && apt-get -y --no-install-recommends install gcc=4:9\n", ["DL3009"]],
  ["#1095 tmpfs over the apt lists", "FROM debian:12\nRUN --mount=type=tmpfs,target=/var/lib/apt apt-get update\n", ["DL3009"]],
  ["#671 apk cache mount", "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add -U curl=8.9.0-r0\n", ["DL3019"]],
  ["#497 pip cache mount", "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip \\\n    pip install pip==24.0 && pip install --require-hashes -r reqs.txt\n", ["DL3042"]],
  ["#1003 yarn cache mount", "FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn/v6 yarn install\n", ["DL3060"]],
  ["an id= mount with an ARG in it", "FROM debian:12\nARG V=12\nRUN --mount=type=cache,id=debian-${V}-apt,sharing=locked,target=/var/lib/apt/lists apt-get update\n", ["DL3009"]],
  // Heredocs (#682, #736, #923, #960, #1019, #1137).
  ["#682 RUN heredoc with cleanup inside", "FROM python:3-slim\nRUN <<EOF\n    apt-get update\n    apt-get -y upgrade\n    apt-get clean\n    rm -rf /var/lib/apt/lists/*\nEOF\n", ["DL3009", "DL3014"]],
  ["#1137 heredoc fed to bash with pipefail", "FROM debian:12\nRUN <<EOF bash\n    set -euxo pipefail\n    echo 123 | cat\nEOF\nRUN true\n", ["DL4006"]],
  ["#960 instruction right after the delimiter", "FROM alpine:3.17\nRUN <<EOF\n    echo \"test\"\nEOF\n# comment\nCOPY a /a\n", []],
  ["#923 heredoc in a chain across continuations", "FROM golang:1.22\nWORKDIR /src\nRUN ls && \\\n    cat <<EOF >> go.mod && \\\n    cat go.mod\nreplace (\n    github.com/user/repo => ../dir\n)\nEOF\n", ["DL3003", "DL4006"]],
  ["#1019 heredoc after a continuation", "FROM scratch\nRUN foo && \\\n    bar <<BAR\nblah | blah\nBAR\n", ["DL4006"]],
  ["python heredoc is not shell", "FROM python:3.12\nRUN python3 <<EOF\nimport os; print(os.listdir('.') | 1)\ncd = 1\nEOF\n", ["DL3003", "DL4006"]],
  ["heredoc file content is not shell", "FROM debian:12\nRUN cat <<EOF > /etc/motd\nsudo apt install everything | now\nEOF\n", ["DL3004", "DL3027", "DL4006"]],
  // BuildKit flags parse (hadolint's parser rejects several).
  ["COPY --chmod --link --exclude --parents", "# syntax=docker/dockerfile:1.7-labs\nFROM debian:12\nWORKDIR /app\nCOPY --chmod=755 --link --exclude=*.md --parents ./src/ ./\n", ["DL3021", "DL3045"]],
  ["ADD --checksum of a URL", "FROM debian:12\nADD --checksum=sha256:" + "c".repeat(64) + " https://example.com/x.tar.gz /tmp/\n", ["DL3020"]],
  // Shell syntax, not text.
  ["cd in a subshell", "FROM debian:12\nRUN (cd /src && make) && make -C /src install\n", ["DL3003"]],
  ["words that look like commands", "FROM debian:12\nRUN echo 'sudo apt vim | x' && printf '%s\\n' \"cd /tmp\"\n", ["DL3001", "DL3003", "DL3004", "DL3027", "DL4006"]],
  ["packages named like forbidden commands", "FROM debian:12\nRUN apt-get install -y --no-install-recommends vim=2:9.0 procps=2:4.0 && rm -rf /var/lib/apt/lists/*\n", ["DL3001", "DL3008"]],
  ["a pipe under SHELL with pipefail", "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://x | tar -xz\n", ["DL4006"]],
  ["pipefail set in the RUN", "FROM debian:12\nRUN set -eux -o pipefail; curl -fsSL https://x | tar -xz\n", ["DL4006"]],
  ["PowerShell is not sh", "FROM mcr.microsoft.com/powershell:7.4-debian-12\nSHELL [\"pwsh\", \"-Command\"]\nRUN Get-ChildItem | Where-Object Name\n", ["DL4006"]],
  ["apt-get options with values", "FROM debian:12\nRUN apt-get -o Dpkg::Options::=--force-confold -t bookworm-backports install -y --no-install-recommends curl=8 && rm -rf /var/lib/apt/lists/*\n", ["DL3008", "DL3014", "DL3015"]],
  ["package list in a variable", "FROM debian:12\nARG PACKAGES\nRUN apt-get install -y --no-install-recommends $PACKAGES\n", ["DL3008"]],
  ["pinned through a variable", "FROM alpine:3.20\nARG CURL_VERSION=8.9.0-r0\nRUN apk add --no-cache curl=${CURL_VERSION}\n", ["DL3018"]],
  ["consecutive RUNs with different mounts", "FROM debian:12\nRUN --mount=type=secret,id=npmrc cat /run/secrets/npmrc\nRUN make\n", ["DL3059"]],
  ["WORKDIR from an unknown ARG", "FROM debian:12\nARG APP_DIR\nWORKDIR $APP_DIR\n", ["DL3000"]],
  ["last USER root in a builder stage only", "FROM debian:12 AS build\nUSER root\nFROM debian:12\nUSER 1000\n", ["DL3002"]],
];

for (const [what, dockerfile, silent, options] of cases) {
  test(what, () => {
    const result = lint(dockerfile, { config: all, ...options });
    const failed = result.diagnostics.filter((d) => d.code === "lint-rule-failed");
    assert.equal(failed, [], "no rule throws");
    const found = result.findings.filter((f) => f.ids.some((id) => silent.includes(id)));
    assert.equal(found.map((f) => `${f.range.start.line}: ${f.ids.join("/")} ${f.message}`), []);
  });
}

test("no rule throws on any fixture Dockerfile", () => {
  const dir = join(repoRoot, "fixtures", "dockerfiles");
  for (const name of readdirSync(dir)) {
    let text: string;
    try {
      text = readFileSync(join(dir, name, "Dockerfile"), "utf8");
    } catch {
      continue;
    }
    const failed = lint(text, { config: all }).diagnostics.filter((d) => d.code === "lint-rule-failed");
    assert.equal(failed, [], name);
  }
});

test.run();
