import { DL3051 } from "../../../../linter/rules/hadolint/DL3051.js";
import { DEFAULT_CONFIG, mergeConfig } from "../../../../linter/index.js";
import { ruleCases } from "../../helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { labelSchema: { author: "text" } });

export const cases = ruleCases(DL3051, {
  fires: [
    { dockerfile: "FROM debian:12\nLABEL author=\"\"\n", line: 2, options: { config } },
  ],
  passes: [
    { dockerfile: "FROM debian:12\nLABEL author=me\n", options: { config } },
    { dockerfile: "FROM debian:12\nLABEL other=\"\"\n", options: { config } },
  ],
});
