/** ARG in a stage: build-arg > default (expanded) > global value > none; history and RUN env. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy } from "../helpers.js";

test("the default is expanded with earlier ARGs; --build-arg overrides it", async () => {
  const b = await build("FROM scratch\nARG A=1 B=${A}-x\nRUN true\n");
  assert.equal(createdBy(b), ["ARG A=1 B=1-x", "RUN |2 A=1 B=1-x /bin/sh -c true # buildkit"]);
  const o = await build("FROM scratch\nARG A=1 B=${A}-x\nRUN true\n", { args: { A: "9" } });
  assert.equal(createdBy(o)[0], "ARG A=9 B=9-x");
});

test("ARG without a default takes the global value; without one it has no value", async () => {
  const b = await build("ARG G=global\nFROM scratch\nARG G\nARG NONE\nRUN true\n");
  assert.equal(createdBy(b), ["ARG G=global", "ARG NONE", "RUN |2 G=global NONE= /bin/sh -c true # buildkit"]);
  const run = b.effects.at(-1)!;
  assert.ok(run.kind === "run" && run.env.includes("G=global") && !run.env.some((e) => e.startsWith("NONE=")));
});

test("global ARGs are not visible in a stage without ARG", async () => {
  const b = await build("ARG G=global\nFROM scratch\nENV X=$G\n");
  assert.equal(b.target.state.config.Env!.at(-1), "X=");
});

test("automatic platform ARGs exist in a stage only when declared", async () => {
  const b = await build("FROM scratch\nENV BEFORE=$TARGETARCH\nARG TARGETARCH TARGETPLATFORM BUILDOS\nENV AFTER=$TARGETARCH P=$TARGETPLATFORM O=$BUILDOS\n", {
    targetPlatform: { os: "linux", architecture: "arm64" },
  });
  assert.equal(b.target.state.config.Env!.slice(1), ["BEFORE=", "AFTER=arm64", "P=linux/arm64", "O=linux"]);
});

test("an ARG after an ENV of the same name wins for the build, not in the image config", async () => {
  const b = await build("FROM scratch\nENV V=env\nARG V=arg\nRUN echo\n");
  assert.equal(b.target.state.config.Env!.at(-1), "V=env");
  const run = b.effects.at(-1)!;
  assert.ok(run.kind === "run" && run.env.includes("V=arg") && !run.env.includes("V=env"));
});

test("ARGs are not written to the image config", async () => {
  const b = await build("FROM scratch\nARG SECRETISH=1\n");
  assert.equal(b.target.state.config.Env, ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]);
});

test("a stage built FROM another stage inherits its ARGs", async () => {
  const b = await build("FROM scratch AS a\nARG V=1\nFROM a\nRUN true\n");
  assert.equal(createdBy(b), ["RUN |1 V=1 /bin/sh -c true # buildkit"]);
});

test.run();
