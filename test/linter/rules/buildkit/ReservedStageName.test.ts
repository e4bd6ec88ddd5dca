import { ReservedStageName } from "../../../../linter/rules/buildkit/ReservedStageName.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(ReservedStageName, {
  fires: [
    { dockerfile: "FROM alpine AS scratch\n", message: "Stage name should not use the same name as reserved stage \"scratch\"" },
    { dockerfile: "FROM alpine AS context\n" },
  ],
  passes: ["FROM alpine AS base\n", "FROM scratch\n"],
});
