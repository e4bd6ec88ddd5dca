import { DL3023 } from "../../../../linter/rules/hadolint/DL3023.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3023, {
  fires: [
    { dockerfile: "FROM debian:12 AS app\nCOPY --from=app /x /y\n", line: 2 },
  ],
  passes: [
    "FROM debian:12 AS build\nFROM debian:12 AS app\nCOPY --from=build /x /y\n",
  ],
});
