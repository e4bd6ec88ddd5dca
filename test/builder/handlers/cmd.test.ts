/** CMD: exec/shell forms, ArgsEscaped, history. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy } from "../helpers.js";

test("shell form is wrapped with the shell, exec form kept, not expanded", async () => {
  const b = await build('FROM scratch\nCMD echo "$HOME"\n');
  assert.equal(b.target.state.config.Cmd, ["/bin/sh", "-c", 'echo "$HOME"']);
  assert.is(b.target.state.config.ArgsEscaped, true);
  assert.equal(createdBy(b), ['CMD ["/bin/sh" "-c" "echo \\"$HOME\\""]']);
  const e = await build('FROM scratch\nCMD ["run", "$X"]\n');
  assert.equal(e.target.state.config.Cmd, ["run", "$X"]);
  assert.equal(createdBy(e), ['CMD ["run" "$X"]']);
});

test.run();
