import { DuplicateStageName } from "../../../../linter/rules/buildkit/DuplicateStageName.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DuplicateStageName, {
  fires: [
    { dockerfile: "FROM alpine AS build\nFROM debian AS build\n", message: "Duplicate stage name \"build\", stage names should be unique", line: 2 },
    { dockerfile: "FROM alpine AS build\nFROM debian AS Build\n", line: 2 },
  ],
  passes: ["FROM alpine AS build\nFROM debian AS test\n", "FROM alpine\nFROM alpine\n"],
});
