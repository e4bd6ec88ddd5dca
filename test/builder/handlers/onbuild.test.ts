/** ONBUILD: the trigger text is appended to OnBuild; no history entry. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build } from "../helpers.js";

test("ONBUILD appends the raw trigger text", async () => {
  const b = await build("FROM scratch\nONBUILD RUN echo $HOME\nONBUILD COPY --chown=1 . /app\n");
  assert.equal(b.target.state.config.OnBuild, ["RUN echo $HOME", "COPY --chown=1 . /app"]);
  assert.equal(b.effects, []);
});

test.run();
