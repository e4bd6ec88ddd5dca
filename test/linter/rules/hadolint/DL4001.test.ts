import { DL4001 } from "../../../../linter/rules/hadolint/DL4001.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL4001, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN wget -q https://x/a\nRUN curl -fsSL https://x/b -o b\n", line: 3 },
  ],
  passes: [
    "FROM debian:12\nRUN curl -fsSL https://x/a -o a\n",
    "FROM debian:12\nRUN apt-get install -y curl=8 wget=1.21\nRUN curl -fsSL https://x/a -o a\n",
    "FROM debian:12 AS a\nRUN wget -q https://x/a\nFROM debian:12\nRUN curl -fsSL https://x/b\n",
  ],
});
