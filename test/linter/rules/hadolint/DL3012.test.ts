import { DL3012 } from "../../../../linter/rules/hadolint/DL3012.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3012, {
  fires: [
    { dockerfile: "FROM debian:12\nHEALTHCHECK CMD true\nHEALTHCHECK CMD curl -f http://localhost/\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nHEALTHCHECK CMD true\n",
    "FROM debian:12 AS a\nHEALTHCHECK CMD true\nFROM debian:12\nHEALTHCHECK CMD true\n",
  ],
});
