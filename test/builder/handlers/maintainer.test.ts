/** MAINTAINER sets the author. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy } from "../helpers.js";

test("MAINTAINER sets author, not expanded", async () => {
  const b = await build("FROM scratch\nMAINTAINER Jane $X <jane@example.com>\n");
  assert.is(b.target.state.author, "Jane $X <jane@example.com>");
  assert.equal(createdBy(b), ["MAINTAINER Jane $X <jane@example.com>"]);
});

test.run();
