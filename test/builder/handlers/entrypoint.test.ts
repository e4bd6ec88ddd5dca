/** ENTRYPOINT: clears an inherited CMD but keeps one set earlier in the stage. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy, imageConfig } from "../helpers.js";

const base = { images: { base: imageConfig({ Cmd: ["inherited"] }) } };

test("an inherited CMD is cleared", async () => {
  const b = await build('FROM base\nENTRYPOINT ["/app"]\n', base);
  assert.equal(b.target.state.config.Entrypoint, ["/app"]);
  assert.is(b.target.state.config.Cmd, undefined);
  assert.equal(createdBy(b), ['ENTRYPOINT ["/app"]']);
});

test("a CMD set earlier in the stage is kept; a later CMD applies", async () => {
  const b = await build('FROM base\nCMD ["--help"]\nENTRYPOINT /app\n', base);
  assert.equal(b.target.state.config.Entrypoint, ["/bin/sh", "-c", "/app"]);
  assert.equal(b.target.state.config.Cmd, ["--help"]);
});

test("a stage built on a stage does not count the base stage's CMD as its own", async () => {
  const b = await build('FROM scratch AS a\nCMD ["x"]\nFROM a\nENTRYPOINT ["e"]\n');
  assert.is(b.target.state.config.Cmd, undefined);
});

test.run();
