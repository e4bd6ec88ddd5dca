import { DL3008 } from "../../../../linter/rules/hadolint/DL3008.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3008, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n", message: "Pin versions in apt-get install: use `apt-get install <package>=<version>` (curl)", line: 2 },
    "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=8.5.0-2 \\\n    git\n",
  ],
  passes: [
    "FROM debian:12\nRUN apt-get install -y --no-install-recommends a=1.0 b=2.0\n",
    "FROM debian:12\nARG V=8.5\nRUN apt-get install -y --no-install-recommends curl=${V}\n",
    "FROM debian:12\nRUN apt-get install -y $PACKAGES\n",
    "FROM debian:12\nRUN apt-get install -y ./local.deb\n",
    "FROM debian:12\nRUN echo apt-get install curl\n",
    "FROM debian:12\nRUN apt-get -o Dpkg::Options::=--force-confnew install -y --no-install-recommends curl=8.5\n",
  ],
});
