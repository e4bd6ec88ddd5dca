import { DL3059 } from "../../../../linter/rules/hadolint/DL3059.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3059, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n", line: 3 },
  ],
  passes: [
    "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
    "FROM debian:12\nRUN make\nCOPY . .\nRUN make install\n",
    "FROM debian:12\nRUN a && b\nRUN c\n",
    "FROM debian:12\nRUN --mount=type=cache,target=/root/.cache make\nRUN make install\n",
  ],
});
