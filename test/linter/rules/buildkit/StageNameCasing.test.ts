import * as assert from "uvu/assert";
import { StageNameCasing } from "../../../../linter/rules/buildkit/StageNameCasing.js";
import { findingsOf, ruleCases } from "../../helpers.js";

export const cases = ruleCases(
  StageNameCasing,
  {
    fires: [
      { dockerfile: "FROM alpine AS Builder\n", message: "Stage name 'Builder' should be lowercase", line: 1 },
      { dockerfile: "FROM alpine AS base\nFROM base AS FINAL\n", count: 1, line: 2 },
    ],
    passes: ["FROM alpine AS builder\n", "FROM alpine\n", "FROM alpine AS build-1.x\n"],
  },
  (test) => {
    test("the fix lower-cases the name", () => {
      const [f] = findingsOf("StageNameCasing", "FROM alpine AS Builder\n");
      assert.equal(f?.fix?.edits, [{ start: 15, end: 22, newText: "builder" }]);
    });
  },
);
