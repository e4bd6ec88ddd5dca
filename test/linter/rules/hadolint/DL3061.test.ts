import { DL3061 } from "../../../../linter/rules/hadolint/DL3061.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3061, {
  fires: [
    { dockerfile: "LABEL a=b\nFROM debian:12\n", line: 1 },
  ],
  passes: [
    "ARG V=12\nFROM debian:${V}\n",
    "# comment\nFROM debian:12\n",
  ],
});
