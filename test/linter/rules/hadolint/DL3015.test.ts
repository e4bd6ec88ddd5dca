import { DL3015 } from "../../../../linter/rules/hadolint/DL3015.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3015, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN apt-get install -y curl=8\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=8\n",
    "FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y curl=8\n",
  ],
});
