/** FROM: the initial state from scratch, an image config or a stage. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, imageConfig } from "../helpers.js";

const PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

test("scratch: empty config with the default PATH", async () => {
  const b = await build("FROM scratch\n");
  assert.equal(b.target.state.config, { Env: [PATH] });
  assert.equal(b.target.state.env, [["PATH", PATH.slice(5)]]);
});

test("image: its config is inherited, OnBuild cleared, PATH kept when present", async () => {
  const b = await build("FROM img\n", { images: { img: imageConfig({ Env: ["PATH=/x", "A=1"], User: "u", WorkingDir: "/w", Cmd: ["c"], OnBuild: [] }, { author: "me" }) } });
  assert.equal(b.target.state.config, { Env: ["PATH=/x", "A=1"], User: "u", WorkingDir: "/w", Cmd: ["c"] });
  assert.is(b.target.state.author, "me");
});

test("stage: the base stage's final config and build env; its OnBuild does not carry over", async () => {
  const b = await build("FROM scratch AS a\nENV A=1\nARG B=2\nONBUILD RUN x\nFROM a\n");
  assert.equal(b.target.state.config.Env, [PATH, "A=1"]);
  assert.equal(b.target.state.config.OnBuild, undefined);
  assert.ok(b.target.state.env.some(([k, v]) => k === "B" && v === "2"));
});

test.run();
