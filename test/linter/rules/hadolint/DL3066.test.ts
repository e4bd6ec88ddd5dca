import { DL3066 } from "../../../../linter/rules/hadolint/DL3066.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3066, {
  fires: [
    { dockerfile: "FROM debian:12\nUSER app\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nUSER 1000:1000\n",
    "FROM debian:12\nARG UID\nUSER $UID\n",
  ],
});
