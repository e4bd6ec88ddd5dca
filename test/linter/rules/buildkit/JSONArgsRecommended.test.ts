import * as assert from "uvu/assert";
import { JSONArgsRecommended } from "../../../../linter/rules/buildkit/JSONArgsRecommended.js";
import { findingsOf, ruleCases } from "../../helpers.js";

export const cases = ruleCases(JSONArgsRecommended, {
  fires: [
    { dockerfile: "FROM alpine\nCMD my-app --serve\n", message: "JSON arguments recommended for CMD to prevent unintended behavior related to OS signals", line: 2 },
    { dockerfile: "FROM alpine\nENTRYPOINT exec my-app\n", message: /ENTRYPOINT/ },
    { dockerfile: "FROM alpine AS a\nSHELL [\"/bin/bash\", \"-c\"]\nFROM alpine\nCMD echo hi\n", line: 4 },
  ],
  passes: [
    "FROM alpine\nCMD [\"my-app\", \"--serve\"]\n",
    "FROM alpine\nSHELL [\"/bin/bash\", \"-c\"]\nCMD echo \"$HOME\"\n",
    "FROM alpine AS base\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nENTRYPOINT echo hi\n",
  ],
}, (test) => {
  test("fix: plain commands become JSON; shell features keep the shell form", () => {
    const [plain] = findingsOf("JSONArgsRecommended", "FROM alpine\nCMD my-app --port=80 /srv\n");
    assert.equal(plain?.fix?.edits, [{ start: 16, end: 37, newText: "[\"my-app\", \"--port=80\", \"/srv\"]" }]);
    for (const cmd of ["echo $HOME", "a && b", "echo \"x\"", "ls *.txt", "cd /x", "A=1 b", "run > log", "echo ~"]) {
      const [f] = findingsOf("JSONArgsRecommended", `FROM alpine\nCMD ${cmd}\n`);
      assert.ok(f, cmd);
      assert.is(f!.fix, undefined, cmd);
    }
  });
});
