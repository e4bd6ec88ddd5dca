import * as assert from "uvu/assert";
import { LegacyKeyValueFormat } from "../../../../linter/rules/buildkit/LegacyKeyValueFormat.js";
import { findingsOf, ruleCases } from "../../helpers.js";

export const cases = ruleCases(LegacyKeyValueFormat, {
  fires: [
    { dockerfile: "FROM alpine\nENV PORT 80\n", message: "\"ENV key=value\" should be used instead of legacy \"ENV key value\" format", line: 2 },
    { dockerfile: "FROM alpine\nLABEL maintainer jane\n", message: /LABEL key=value/ },
  ],
  passes: ["FROM alpine\nENV PORT=80\n", "FROM alpine\nLABEL a=b c=\"d e\"\n"],
}, (test) => {
  test("fix: key=value, quoted when the value has blanks; none when quotes are involved", () => {
    const [a] = findingsOf("LegacyKeyValueFormat", "FROM alpine\nENV MSG hello world\n");
    assert.equal(a?.fix?.edits, [{ start: 16, end: 31, newText: "MSG=\"hello world\"" }]);
    const [b] = findingsOf("LegacyKeyValueFormat", "FROM alpine\nENV PORT 80\n");
    assert.equal(b?.fix?.edits, [{ start: 16, end: 23, newText: "PORT=80" }]);
    const [c] = findingsOf("LegacyKeyValueFormat", "FROM alpine\nENV MSG \"a b\" c\n");
    assert.is(c?.fix, undefined);
  });
});
