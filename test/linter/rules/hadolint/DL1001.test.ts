import { DL1001 } from "../../../../linter/rules/hadolint/DL1001.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL1001, {
  fires: [
    { dockerfile: "# hadolint ignore=DL3008\nFROM debian:12\nRUN apt-get install -y curl\n", line: 1 },
  ],
  passes: [
    "FROM debian:12\n# a plain comment\nRUN echo hi\n",
    "# hadolint global ignore=DL3008\nFROM debian:12\n",
  ],
});
