import { DL3002 } from "../../../../linter/rules/hadolint/DL3002.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3002, {
  fires: [
    { dockerfile: "FROM debian:12\nUSER app\nUSER root\n", line: 3 },
    "FROM debian:12\nARG U=0\nUSER $U\n",
    "FROM debian:12\nUSER root:root\n",
  ],
  passes: [
    "FROM debian:12\nUSER root\nRUN make\nUSER app\n",
    "FROM debian:12 AS build\nUSER root\nFROM debian:12\nUSER app\n",
    "FROM debian:12\nARG U\nUSER $U\n",
  ],
});
