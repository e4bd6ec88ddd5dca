/** LABEL: keys and values expanded, quotes removed; later wins; history. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy, imageConfig } from "../helpers.js";

test("labels merge with the base's, later values win", async () => {
  const b = await build('FROM base\nARG V=1.0\nLABEL version=$V "a b"="c d"\nLABEL version=2\n', { images: { base: imageConfig({ Labels: { vendor: "x" } }) } });
  assert.equal(b.target.state.config.Labels, { vendor: "x", version: "2", "a b": "c d" });
  assert.equal(createdBy(b).slice(1), ["LABEL version=1.0 a b=c d", "LABEL version=2"]);
});

test.run();
