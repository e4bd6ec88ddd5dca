import { DL3004 } from "../../../../linter/rules/hadolint/DL3004.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3004, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN sudo apt-get update\n", line: 2 },
    "FROM debian:12\nRUN env A=1 sudo make install\n",
  ],
  passes: [
    "FROM debian:12\nRUN apt-get update\n",
    "FROM debian:12\nRUN apt-get install -y --no-install-recommends sudo=1.9\n",
    "FROM debian:12\nRUN echo sudo\n",
  ],
});
