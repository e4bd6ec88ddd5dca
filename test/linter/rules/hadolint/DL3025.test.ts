import { DL3025 } from "../../../../linter/rules/hadolint/DL3025.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3025, {
  fires: [
    { dockerfile: "FROM debian:12\nCMD node server.js\n", line: 2 },
    "FROM debian:12\nENTRYPOINT /entrypoint.sh\n",
  ],
  passes: [
    "FROM debian:12\nCMD [\"node\", \"server.js\"]\n",
    "FROM debian:12\nENTRYPOINT [\"/entrypoint.sh\"]\n",
  ],
});
