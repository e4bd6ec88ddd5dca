import { DL3063 } from "../../../../linter/rules/hadolint/DL3063.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3063, {
  fires: [
    { dockerfile: "FROM debian:12 AS scratch\n", line: 1 },
  ],
  passes: [
    "FROM debian:12 AS build\n",
  ],
});
