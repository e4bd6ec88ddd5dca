import { DL3057 } from "../../../../linter/rules/hadolint/DL3057.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3057, {
  fires: [
    { dockerfile: "FROM debian:12\nCMD [\"app\"]\n", line: 1 },
  ],
  passes: [
    "FROM debian:12\nHEALTHCHECK CMD [\"app\", \"--check\"]\n",
    "FROM debian:12 AS base\nHEALTHCHECK NONE\nFROM base\n",
  ],
});
