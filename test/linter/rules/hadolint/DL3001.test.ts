import { DL3001 } from "../../../../linter/rules/hadolint/DL3001.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3001, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN service nginx start\n", line: 2 },
    "FROM debian:12\nRUN apt-get update && sudo vim /etc/x\n",
  ],
  passes: [
    "FROM debian:12\nRUN apt-get install -y --no-install-recommends vim=2:9.0 procps=2:4.0\n",
    "FROM debian:12\nRUN echo \"run ps later\"\n",
  ],
});
