import { DL3046 } from "../../../../linter/rules/hadolint/DL3046.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3046, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN useradd -u 123456 app\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nRUN useradd -l -u 123456 app\n",
    "FROM debian:12\nRUN useradd -u 1000 app\n",
    "FROM debian:12\nRUN useradd --no-log-init --uid 123456 app\n",
  ],
});
