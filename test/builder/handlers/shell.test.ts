/** SHELL: changes how later shell-form commands are wrapped. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy } from "../helpers.js";

test("SHELL applies to RUN, CMD and ENTRYPOINT shell forms", async () => {
  const b = await build('FROM scratch\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN a | b\nCMD x\n');
  assert.equal(b.target.state.config.Shell, ["/bin/bash", "-eo", "pipefail", "-c"]);
  assert.equal(b.target.state.config.Cmd, ["/bin/bash", "-eo", "pipefail", "-c", "x"]);
  assert.equal(createdBy(b), ["SHELL [/bin/bash -eo pipefail -c]", "RUN /bin/bash -eo pipefail -c a | b # buildkit", 'CMD ["/bin/bash" "-eo" "pipefail" "-c" "x"]']);
});

test.run();
