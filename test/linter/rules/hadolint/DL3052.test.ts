import { DL3052 } from "../../../../linter/rules/hadolint/DL3052.js";
import { DEFAULT_CONFIG, mergeConfig } from "../../../../linter/index.js";
import { ruleCases } from "../../helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { labelSchema: { author: "text", url: "url", version: "semver", commit: "hash", created: "rfc3339", license: "spdx", email: "email" } });

export const cases = ruleCases(DL3052, {
  fires: [
    { dockerfile: "FROM debian:12\nLABEL url=not-a-url\n", line: 2, options: { config } },
  ],
  passes: [
    { dockerfile: "FROM debian:12\nLABEL url=https://example.com/x\n", options: { config } },
    { dockerfile: "FROM debian:12\nARG U\nLABEL url=$U\n", options: { config } },
  ],
});
