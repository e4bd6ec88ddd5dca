import * as assert from "uvu/assert";
import { ExposeProtoCasing } from "../../../../linter/rules/buildkit/ExposeProtoCasing.js";
import { findingsOf, ruleCases } from "../../helpers.js";

export const cases = ruleCases(ExposeProtoCasing, {
  fires: [{ dockerfile: "FROM alpine\nEXPOSE 80/TCP 53/Udp\n", message: "Defined protocol '80/TCP' in EXPOSE instruction should be lowercase", count: 2 }],
  passes: ["FROM alpine\nEXPOSE 80/tcp 53/udp 8080\n"],
}, (test) => {
  test("fix lower-cases the protocol", () => {
    const [f] = findingsOf("ExposeProtoCasing", "FROM alpine\nEXPOSE 80/TCP\n");
    assert.equal(f?.fix?.edits, [{ start: 22, end: 25, newText: "tcp" }]);
  });
});
