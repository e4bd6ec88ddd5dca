import { DL3024 } from "../../../../linter/rules/hadolint/DL3024.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3024, {
  fires: [
    { dockerfile: "FROM debian:12 AS a\nFROM debian:12 AS a\n", line: 2 },
    "FROM debian:12 AS Build\nFROM debian:12 AS build\n",
  ],
  passes: [
    "FROM debian:12 AS a\nFROM debian:12 AS b\n",
  ],
});
