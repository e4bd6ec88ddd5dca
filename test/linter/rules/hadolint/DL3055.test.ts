import { DL3055 } from "../../../../linter/rules/hadolint/DL3055.js";
import { DEFAULT_CONFIG, mergeConfig } from "../../../../linter/index.js";
import { ruleCases } from "../../helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { labelSchema: { author: "text", url: "url", version: "semver", commit: "hash", created: "rfc3339", license: "spdx", email: "email" } });

export const cases = ruleCases(DL3055, {
  fires: [
    { dockerfile: "FROM debian:12\nLABEL commit=not-a-hash\n", line: 2, options: { config } },
  ],
  passes: [
    { dockerfile: "FROM debian:12\nLABEL commit=0123456789abcdef0123456789abcdef01234567\n", options: { config } },
  ],
});
