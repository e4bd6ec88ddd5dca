/** RUN: argv, env (proxy args), heredocs as BuildKit runs them, mounts, history. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy, rejects } from "../helpers.js";
import type { RunEffect } from "../../../builder/effects.js";

const runs = (b: { effects: { kind: string }[] }) => b.effects.filter((e) => e.kind === "run") as RunEffect[];

test("shell form runs with the shell; exec form as written; nothing expanded by kiln", async () => {
  const b = await build('FROM scratch\nWORKDIR /w\nRUN echo $HOME\nRUN ["echo", "$HOME"]\n');
  const [a, c] = runs(b);
  assert.equal(a!.argv, ["/bin/sh", "-c", "echo $HOME"]);
  assert.equal(c!.argv, ["echo", "$HOME"]);
  assert.is(a!.workdir, "/w");
  assert.is(a!.user, "");
  assert.equal(createdBy(b).slice(1), ["RUN /bin/sh -c echo $HOME # buildkit", "RUN echo $HOME # buildkit"]);
  assert.ok(b.effects.slice(1).every((e) => !e.history.emptyLayer));
});

test("env: config Env, ARGs and ENV; proxy build-args reach RUN without ARG and stay out of history and cache env", async () => {
  const b = await build("FROM scratch\nARG V=1\nENV E=2\nRUN env\n", { args: { HTTP_PROXY: "http://p:3128", no_proxy: "localhost" } });
  const [r] = runs(b);
  assert.equal(r!.cacheEnv, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "V=1", "E=2"]);
  assert.equal(r!.env.slice(3), ["HTTP_PROXY=http://p:3128", "http_proxy=http://p:3128", "NO_PROXY=localhost", "no_proxy=localhost"]);
  assert.is(r!.history.createdBy, "RUN |1 V=1 /bin/sh -c env # buildkit");
});

test("a declared proxy ARG is an ordinary ARG (in the history)", async () => {
  const b = await build("FROM scratch\nARG HTTP_PROXY\nRUN env\n", { args: { HTTP_PROXY: "http://p" } });
  assert.is(runs(b)[0]!.history.createdBy, "RUN |1 HTTP_PROXY=http://p /bin/sh -c env # buildkit");
});

test("RUN <<EOF alone runs the body with the shell", async () => {
  const b = await build("FROM scratch\nRUN <<EOF\necho $HOME\necho two\nEOF\n");
  assert.equal(runs(b)[0]!.argv, ["/bin/sh", "-c", "echo $HOME\necho two\n"]);
});

test("a heredoc with #! becomes a read-only script in /dev/pipes", async () => {
  const b = await build("FROM scratch\nRUN <<EOT\n#!/usr/bin/env python3\nprint(1)\nEOT\n");
  const [r] = runs(b);
  assert.equal(r!.argv, ["/bin/sh", "-c", "/dev/pipes/EOT"]);
  assert.equal(r!.files, [{ path: "/dev/pipes/EOT", content: "#!/usr/bin/env python3\nprint(1)\n", mode: 0o755 }]);
});

test("RUN cmd <<EOF hands the whole heredoc to the shell (quoted delimiters stay quoted)", async () => {
  const b = await build("FROM scratch\nRUN python3 <<'EOF' > out\nprint('$x')\nEOF\n");
  assert.equal(runs(b)[0]!.argv, ["/bin/sh", "-c", "python3 <<'EOF' > out\nprint('$x')\nEOF"]);
});

test("mounts: expanded, relative targets against WORKDIR, defaults filled in", async () => {
  const b = await build(
    "FROM scratch AS deps\nFROM scratch\nWORKDIR /src\nARG CACHE=/root/.cache\n" +
      "RUN --mount=type=cache,target=$CACHE --mount=type=bind,from=deps,source=/out,target=vendor --mount=type=secret,id=tok --mount=type=ssh --mount=type=tmpfs,target=/t,size=64m --network=none make\n",
  );
  const [r] = runs(b);
  assert.is(r!.network, "none");
  assert.equal(r!.mounts, [
    { type: "cache", target: "/root/.cache", id: "/root/.cache", sharing: "shared", from: null, source: "/", readonly: false, mode: 0o755, uid: 0, gid: 0 },
    { type: "bind", target: "/src/vendor", from: { kind: "stage", index: 0, name: "deps" }, source: "/out", readonly: true },
    { type: "secret", id: "tok", target: "/run/secrets/tok", env: null, required: false, mode: 0o400, uid: 0, gid: 0 },
    { type: "ssh", id: "default", target: "/run/buildkit/ssh_agent.0", required: false, mode: 0o600, uid: 0, gid: 0 },
    { type: "tmpfs", target: "/t", size: 64 * 1024 * 1024 },
  ]);
  assert.equal(b.plan.stages[1]!.dependsOn, [0]);
});

test("mount from= does not expand", async () => {
  await rejects(build("FROM scratch\nARG S=x\nRUN --mount=from=$S,target=/x true\n"), "build-invalid-instruction", "'from' doesn't support variable expansion");
});

test.run();
