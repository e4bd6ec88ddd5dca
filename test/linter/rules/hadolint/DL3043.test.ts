import { DL3043 } from "../../../../linter/rules/hadolint/DL3043.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3043, {
  fires: [
    { dockerfile: "FROM debian:12\nONBUILD FROM debian:12\n", line: 2 },
    "FROM debian:12\nONBUILD MAINTAINER me\n",
  ],
  passes: [
    "FROM debian:12\nONBUILD RUN make\n",
  ],
});
