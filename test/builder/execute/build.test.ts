/** End-to-end `kiln build` (real namespaces and overlayfs as root): configs, files, mounts, secrets, ONBUILD, failures. */
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import { BASE, buildOk, cannotRun, inspect, makeRoot, rootTest, runIn, type BuildRoot } from "./helpers.js";

let r: BuildRoot;
test.before(() => {
  if (!cannotRun) r = makeRoot();
});
test.after(() => r?.cleanup());

rootTest("multi-stage: COPY --from, RUN heredoc, ENV/ARG/WORKDIR/USER", () => {
  const ctx = r.context({
    Dockerfile: `ARG BASE=${BASE}
FROM \${BASE} AS build
ARG NAME=world
ENV OUT=/out
WORKDIR /src
COPY src/ ./
RUN <<EOF
set -e
mkdir -p $OUT
sed "s/@NAME@/$NAME/" hello.in > $OUT/hello.txt
EOF

FROM \${BASE}
ENV GREETING=hi
WORKDIR /app
COPY --from=build /out/hello.txt ./
USER app
RUN id -un > /tmp/who && cp /tmp/who /home/app/who
CMD ["cat", "/app/hello.txt"]
`,
    "src/hello.in": "hello @NAME@\n",
  });
  buildOk(r, ["-t", "t1", "--build-arg", "NAME=kiln"], ctx);
  assert.is(runIn(r, "t1"), "hello kiln\n");
  assert.is(runIn(r, "t1", "cat", "/home/app/who"), "app\n");
  const info = inspect(r, "t1");
  assert.is(info.Config["User"], "app");
  assert.is(info.Config["WorkingDir"], "/app");
  assert.ok((info.Config["Env"] as string[]).includes("GREETING=hi"));
  assert.equal(info.Config["Cmd"], ["cat", "/app/hello.txt"]);
  // the build stage's files are not in the final image
  assert.is(r.kiln(["run", "--rm", "t1", "test", "-e", "/src/hello.in"]).status, 1);
  // files from the context are root-owned
  assert.is(runIn(r, "t1", "stat", "-c", "%u:%g %a", "/app/hello.txt"), "0:0 644\n");
});

rootTest(".dockerignore, --chown, --chmod, destination through a symlink, ADD of a tar.gz", () => {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}
RUN mkdir -p /real && ln -s /real /link
COPY . /link/ctx/
COPY --chown=app:app --chmod=0750 run.sh /opt/run.sh
ADD pkg.tar.gz /pkg/
`,
    ".dockerignore": "secret.txt\n*.log\n",
    "keep.txt": "keep\n",
    "secret.txt": "no\n",
    "debug.log": "no\n",
    "run.sh": ["#!/bin/sh\necho run\n", 0o644],
  });
  const tarDir = r.context({ "pkg/a.txt": "A\n", "pkg/sub/b.txt": "B\n" });
  execTar(tarDir, join(ctx, "pkg.tar.gz"));
  buildOk(r, ["-t", "t2"], ctx);
  const listing = runIn(r, "t2", "ls", "/real/ctx").split("\n").filter(Boolean).sort();
  assert.equal(listing, ["Dockerfile", "keep.txt", "pkg.tar.gz", "run.sh"]);
  assert.is(runIn(r, "t2", "stat", "-c", "%U:%G %a", "/opt/run.sh"), "app:app 750\n");
  assert.is(runIn(r, "t2", "cat", "/pkg/pkg/a.txt", "/pkg/pkg/sub/b.txt"), "A\nB\n");
  assert.is(runIn(r, "t2", "readlink", "/link"), "/real\n");
});

function execTar(dir: string, out: string): void {
  execFileSync("tar", ["-czf", out, "-C", dir, "pkg"]);
}

rootTest("cache mounts persist between builds; tmpfs and bind mounts leave nothing in the layer", () => {
  const dockerfile = (n: number) => `FROM ${BASE}
RUN --mount=type=cache,target=/cache,id=counter sh -c 'echo ${n} >> /cache/runs; wc -l < /cache/runs > /count'
RUN --mount=type=tmpfs,target=/scratch --mount=type=bind,source=data.txt,target=/mnt/data.txt sh -c 'echo x > /scratch/x; cat /mnt/data.txt > /copied'
`;
  const ctx = r.context({ Dockerfile: dockerfile(1), "data.txt": "bound\n" });
  buildOk(r, ["-t", "t3"], ctx);
  assert.is(runIn(r, "t3", "cat", "/count").trim(), "1");
  writeFileSync(join(ctx, "Dockerfile"), dockerfile(2));
  buildOk(r, ["-t", "t3"], ctx);
  assert.is(runIn(r, "t3", "cat", "/count").trim(), "2");
  assert.is(runIn(r, "t3", "cat", "/copied"), "bound\n");
  for (const p of ["/cache", "/scratch", "/mnt"]) assert.is(r.kiln(["run", "--rm", "t3", "test", "-e", p]).status, 1, `${p} must not be in the image`);
});

rootTest("secrets reach the RUN but never a layer, the history or the cache", () => {
  const secretFile = join(r.dir, "token");
  writeFileSync(secretFile, "s3cr3t-value");
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}
RUN --mount=type=secret,id=token --mount=type=secret,id=envtok,env=TOKEN sh -c 'wc -c < /run/secrets/token > /proof && echo \${#TOKEN} >> /proof'
`,
  });
  buildOk(r, ["-t", "t4", "--secret", `id=token,src=${secretFile}`, "--secret", "id=envtok,env=MY_TOKEN"], ctx, { MY_TOKEN: "from-env" });
  assert.is(runIn(r, "t4", "cat", "/proof").replace(/ +/g, ""), "12\n8\n");
  assert.is(r.kiln(["run", "--rm", "t4", "test", "-e", "/run/secrets/token"]).status, 1);
  const history = r.kiln(["history", "--no-trunc", "t4"]).stdout;
  assert.not.match(history, /s3cr3t|from-env/);
  const grep = (dir: string): boolean => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, name.name);
      if (name.isDirectory()) {
        if (name.name === "snapshots" || name.name === "mounts") continue;
        if (grep(p)) return true;
      } else if (name.isFile() && (readFileSync(p).includes("s3cr3t") || readFileSync(p).includes("from-env"))) return true;
    }
    return false;
  };
  assert.not.ok(grep(r.root), "the secret value must not be stored anywhere in KILN_ROOT");
});

rootTest("a failing RUN: code frame, exit code, last lines; nothing tagged", () => {
  const ctx = r.context({
    Dockerfile: `FROM ${BASE}
RUN echo first-line
RUN echo about to fail && echo on-stderr >&2 && exit 3
RUN echo never
`,
  });
  const res = r.kiln(["build", "--progress", "plain", "-t", "broken", ctx]);
  assert.is(res.status, 1);
  assert.match(res.stderr, /RUN echo about to fail/);
  assert.match(res.stderr, /Dockerfile:3:1/);
  assert.match(res.stderr, /exit code: 3/);
  assert.match(res.stderr, /on-stderr/);
  assert.not.match(res.stderr, /#\d+ \[stage-0 4\/4\] RUN echo never/);
  assert.is(r.kiln(["inspect", "broken"]).status, 1);
});

rootTest("a missing base image and a foreign platform are clear errors at FROM", () => {
  const ctx = r.context({ Dockerfile: "FROM nosuch/image:1\nRUN true\n" });
  const res = r.kiln(["build", "--progress", "plain", ctx]);
  assert.is(res.status, 1);
  assert.match(res.stderr, /nosuch\/image:1/);
  assert.match(res.stderr, /not pull|kiln load|kiln import/);
  const ctx2 = r.context({ Dockerfile: `FROM --platform=linux/s390x ${BASE}\nRUN true\n` });
  const res2 = r.kiln(["build", "--progress", "plain", ctx2]);
  assert.is(res2.status, 1);
  assert.match(res2.stderr, /s390x/);
});

rootTest("ONBUILD: triggers run once in the child, the grandchild does not inherit them", () => {
  const parent = r.context({
    Dockerfile: `FROM ${BASE}
WORKDIR /app
ONBUILD COPY . /app/src/
ONBUILD RUN echo triggered >> /app/count
`,
  });
  buildOk(r, ["-t", "ob-parent"], parent);
  const child = r.context({ Dockerfile: "FROM ob-parent\nRUN cat /app/count\n", "x.txt": "x\n" });
  buildOk(r, ["-t", "ob-child"], child);
  assert.is(runIn(r, "ob-child", "cat", "/app/count"), "triggered\n");
  assert.is(runIn(r, "ob-child", "cat", "/app/src/x.txt"), "x\n");
  assert.equal(inspect(r, "ob-child").Config["OnBuild"] ?? null, null);
  const grandchild = r.context({ Dockerfile: "FROM ob-child\nRUN true\n" });
  buildOk(r, ["-t", "ob-grandchild"], grandchild);
  assert.is(runIn(r, "ob-grandchild", "cat", "/app/count"), "triggered\n");
});

rootTest("the shared peers cases: small and the ONBUILD parent/child", () => {
  const cases = "/work/shared/peers/cases";
  if (!existsSync(cases)) return;
  buildOk(r, ["-t", "lab-small", "--build-arg", `BASE=${BASE}`], join(cases, "small"));
  const expect = readFileSync(join(cases, "small/expect.sh"), "utf8");
  const small = r.kiln(["run", "--rm", "-i", "lab-small", "sh"], { input: expect });
  assert.is(small.stdout.trim(), "small: OK", small.stderr);
  buildOk(r, ["-t", "lab-onbuild-parent", "--build-arg", `BASE=${BASE}`], join(cases, "onbuild-parent"));
  buildOk(r, ["-t", "lab-onbuild-child", "--build-arg", "PARENT=lab-onbuild-parent"], join(cases, "onbuild-child"));
  const child = r.kiln(["run", "--rm", "-i", "lab-onbuild-child", "sh"], { input: readFileSync(join(cases, "onbuild-child/expect.sh"), "utf8") });
  assert.is(child.stdout.trim(), "onbuild: OK", child.stderr);
});

rootTest("--check lints without building; -q prints only the image id; --iidfile", () => {
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nRUN cd /tmp && echo hi\n` });
  const check = r.kiln(["build", "--check", ctx]);
  assert.match(check.stdout, /DL3003/);
  const q = r.kiln(["build", "-q", "--iidfile", join(r.dir, "iid"), ctx]);
  assert.is(q.status, 0, q.stderr);
  assert.match(q.stdout, /^sha256:[0-9a-f]{64}\n$/);
  assert.is(readFileSync(join(r.dir, "iid"), "utf8"), q.stdout.trim());
});

rootTest("the lint lines a build prints first: the same from the lint cache, which is keyed by text, file and build args", () => {
  const ctx = r.context({ Dockerfile: `FROM ${BASE}\nRUN cd /tmp && echo hi\n` });
  const lintDir = join(r.root, "cache", "lint");
  const lines = (res: { stderr: string }) => res.stderr.split("\n").filter((l) => l.startsWith("warning: "));
  const first = buildOk(r, [], ctx, { KILN_BUILD_LINT: "1" });
  assert.equal(lines(first).map((l) => /^warning: \S*Dockerfile:(\d+): .*\((\w+)\)$/.exec(l)?.slice(1)), [["1", "DL3007"], ["2", "DL3003"]], first.stderr);
  assert.is(readdirSync(lintDir).length, 1);
  const second = buildOk(r, [], ctx, { KILN_BUILD_LINT: "1" });
  assert.equal(lines(second), lines(first));
  // the second build read the entry: a changed entry shows through
  const entry = join(lintDir, readdirSync(lintDir)[0]!);
  writeFileSync(entry, JSON.stringify(["warning: from the lint cache"]));
  assert.equal(lines(buildOk(r, [], ctx, { KILN_BUILD_LINT: "1" })), ["warning: from the lint cache"]);
  // other build args are other inputs: linted again
  assert.equal(lines(buildOk(r, ["--build-arg", "X=1"], ctx, { KILN_BUILD_LINT: "1" })), lines(first));
  assert.is(readdirSync(lintDir).length, 2);
});

test.run();
