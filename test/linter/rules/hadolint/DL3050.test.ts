import { DL3050 } from "../../../../linter/rules/hadolint/DL3050.js";
import { DEFAULT_CONFIG, mergeConfig } from "../../../../linter/index.js";
import { ruleCases } from "../../helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { labelSchema: { author: "text" }, strictLabels: true });

export const cases = ruleCases(DL3050, {
  fires: [
    { dockerfile: "FROM debian:12\nLABEL author=me extra=1\n", line: 2, options: { config } },
  ],
  passes: [
    { dockerfile: "FROM debian:12\nLABEL author=me\n", options: { config } },
    "FROM debian:12\nLABEL extra=1\n",
  ],
});
