import { DL3065 } from "../../../../linter/rules/hadolint/DL3065.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3065, {
  fires: [
    { dockerfile: "FROM --platform=$TARGETPLATFORM debian:12\n", line: 1 },
  ],
  passes: [
    "FROM --platform=$BUILDPLATFORM debian:12\n",
  ],
});
