import { DL4003 } from "../../../../linter/rules/hadolint/DL4003.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL4003, {
  fires: [
    { dockerfile: "FROM debian:12\nCMD [\"a\"]\nCMD [\"b\"]\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nCMD [\"a\"]\n",
    "FROM debian:12 AS a\nCMD [\"a\"]\nFROM debian:12\nCMD [\"b\"]\n",
  ],
});
