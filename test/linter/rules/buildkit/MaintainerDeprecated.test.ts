import * as assert from "uvu/assert";
import { MaintainerDeprecated } from "../../../../linter/rules/buildkit/MaintainerDeprecated.js";
import { findingsOf, ruleCases } from "../../helpers.js";

export const cases = ruleCases(MaintainerDeprecated, {
  fires: [{ dockerfile: "FROM alpine\nMAINTAINER Jane Doe <jane@example.com>\n", message: "Maintainer instruction is deprecated in favor of using label", line: 2 }],
  passes: ["FROM alpine\nLABEL org.opencontainers.image.authors=\"jane@example.com\"\n"],
}, (test) => {
  test("fix: a LABEL with the quoted name", () => {
    const [f] = findingsOf("MaintainerDeprecated", "FROM alpine\nMAINTAINER Jane \"JD\" Doe $x\n");
    assert.equal(f?.fix?.edits, [{ start: 12, end: 39, newText: "LABEL org.opencontainers.image.authors=\"Jane \\\"JD\\\" Doe \\$x\"" }]);
  });
});
