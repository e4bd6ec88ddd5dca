import { DL3014 } from "../../../../linter/rules/hadolint/DL3014.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3014, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN apt-get install --no-install-recommends curl=8\n", message: "Use the -y switch to avoid manual input `apt-get -y install <package>`", line: 2 },
  ],
  passes: [
    "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=8\n",
    "FROM debian:12\nRUN apt-get install -qy --no-install-recommends curl=8\n",
    "FROM debian:12\nRUN apt-get -qq install --no-install-recommends curl=8\n",
    "FROM debian:12\nRUN apt-get install --assume-yes --no-install-recommends curl=8\n",
    "FROM debian:12\nRUN apt-get -o APT::Get::Assume-Yes=true install --no-install-recommends curl=8\n",
    "FROM debian:12\nRUN apt-get update\n",
  ],
});
