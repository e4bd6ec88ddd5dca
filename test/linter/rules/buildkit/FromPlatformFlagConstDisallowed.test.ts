import { FromPlatformFlagConstDisallowed } from "../../../../linter/rules/buildkit/FromPlatformFlagConstDisallowed.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(FromPlatformFlagConstDisallowed, {
  fires: [{ dockerfile: "FROM --platform=linux/amd64 alpine AS base\n", message: "FROM --platform flag should not use constant value \"linux/amd64\"" }],
  passes: [
    "FROM alpine AS base\n",
    "FROM --platform=${BUILDPLATFORM} alpine AS base\n",
    "FROM --platform=linux/amd64 alpine AS build_amd64\n",
  ],
});
