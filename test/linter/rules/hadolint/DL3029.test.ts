import { DL3029 } from "../../../../linter/rules/hadolint/DL3029.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3029, {
  fires: [
    { dockerfile: "FROM --platform=linux/amd64 debian:12\n", line: 1 },
  ],
  passes: [
    "FROM --platform=$BUILDPLATFORM debian:12\n",
    "FROM debian:12\n",
  ],
});
