import * as assert from "uvu/assert";
import { ConsistentInstructionCasing } from "../../../../linter/rules/buildkit/ConsistentInstructionCasing.js";
import { findingsOf, ruleCases } from "../../helpers.js";

export const cases = ruleCases(ConsistentInstructionCasing, {
  fires: [
    { dockerfile: "FROM alpine\nrun echo hi\nCMD [\"sh\"]\n", message: "Command 'run' should match the case of the command majority (uppercase)", line: 2, count: 1 },
    { dockerfile: "from alpine\nrun echo hi\nCMD [\"sh\"]\n", message: "Command 'CMD' should match the case of the command majority (lowercase)", line: 3 },
    { dockerfile: "FROM alpine\nRun echo hi\n", count: 1 },
  ],
  passes: ["FROM alpine\nRUN echo hi\n", "from alpine\nrun echo hi\n"],
}, (test) => {
  test("ties go to upper case; the fix rewrites the keyword", () => {
    const found = findingsOf("ConsistentInstructionCasing", "from alpine\nRUN echo\n");
    assert.is(found.length, 1);
    assert.equal(found[0]!.fix?.edits, [{ start: 0, end: 4, newText: "FROM" }]);
  });
});
