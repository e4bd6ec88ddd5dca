import { DL3027 } from "../../../../linter/rules/hadolint/DL3027.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3027, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN apt install -y curl\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nRUN apt-get install -y curl\n",
    "FROM debian:12\nRUN apt-cache policy curl\n",
  ],
});
