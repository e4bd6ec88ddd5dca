/** USER: expanded, kept as text; RUN and WORKDIR use it. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy } from "../helpers.js";

test("USER is expanded and applies to later RUN and WORKDIR", async () => {
  const b = await build("FROM scratch\nARG U=app\nUSER ${U}:staff\nRUN id\nWORKDIR /home/app\n");
  assert.is(b.target.state.config.User, "app:staff");
  assert.equal(createdBy(b).slice(1, 2), ["USER app:staff"]);
  const [run, mkdir] = b.effects.slice(2);
  assert.ok(run!.kind === "run" && run!.user === "app:staff");
  assert.ok(mkdir!.kind === "mkdir" && mkdir!.user === "app:staff");
});

test.run();
