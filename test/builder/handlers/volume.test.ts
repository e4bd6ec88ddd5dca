/** VOLUME: each path expanded, both forms; empty refused. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy, rejects } from "../helpers.js";

test("VOLUME in shell and JSON form", async () => {
  const b = await build('FROM scratch\nENV D=/data\nVOLUME $D /logs\nVOLUME ["/cache", "$D/x"]\n');
  assert.equal(b.target.state.config.Volumes, { "/data": {}, "/logs": {}, "/cache": {}, "/data/x": {} });
  assert.equal(createdBy(b).slice(1), ["VOLUME [/data /logs]", "VOLUME [/cache /data/x]"]);
  await rejects(build('FROM scratch\nVOLUME ["$EMPTY"]\n'), "build-invalid-instruction", "VOLUME specified can not be an empty string");
});

test.run();
