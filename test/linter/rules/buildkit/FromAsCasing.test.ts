import * as assert from "uvu/assert";
import { FromAsCasing } from "../../../../linter/rules/buildkit/FromAsCasing.js";
import { findingsOf, ruleCases } from "../../helpers.js";

export const cases = ruleCases(
  FromAsCasing,
  {
    fires: [
      { dockerfile: "FROM alpine as builder\n", message: "'as' and 'FROM' keywords' casing do not match", line: 1 },
      { dockerfile: "from alpine AS builder\n", message: "'AS' and 'from' keywords' casing do not match" },
      { dockerfile: "FROM alpine As builder\n" },
    ],
    passes: ["FROM alpine AS builder\n", "from alpine as builder\n", "FROM alpine\n"],
  },
  (test) => {
    test("the fix matches the FROM casing", () => {
      const [f] = findingsOf("FromAsCasing", "FROM alpine as b\n");
      assert.equal(f?.fix?.edits, [{ start: 12, end: 14, newText: "AS" }]);
    });
  },
);
