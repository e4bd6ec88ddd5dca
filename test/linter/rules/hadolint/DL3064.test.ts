import { DL3064 } from "../../../../linter/rules/hadolint/DL3064.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3064, {
  fires: [
    { dockerfile: "FROM debian:12\nENV DB_PASSWORD=hunter2\n", line: 2 },
    "FROM debian:12\nARG GITHUB_TOKEN\n",
  ],
  passes: [
    "FROM debian:12\nENV PUBLIC_KEY=abc\n",
    "FROM debian:12\nARG VERSION=1\n",
  ],
});
