import { DL4004 } from "../../../../linter/rules/hadolint/DL4004.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL4004, {
  fires: [
    { dockerfile: "FROM debian:12\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nENTRYPOINT [\"a\"]\nCMD [\"b\"]\n",
  ],
});
