import { DL3009 } from "../../../../linter/rules/hadolint/DL3009.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3009, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
    "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n",
    "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian:12\nCOPY --from=build /x /x\n",
    "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n",
  ],
});
