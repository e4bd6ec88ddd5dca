import { DL3067 } from "../../../../linter/rules/hadolint/DL3067.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3067, {
  fires: [
    { dockerfile: "FROM debian:12 AS build\nFROM debian:12\nCOPY --from=build / /\n", line: 3 },
  ],
  passes: [
    "FROM debian:12 AS build\nFROM debian:12\nCOPY --from=build /out /opt/out\n",
  ],
});
