import { DL3058 } from "../../../../linter/rules/hadolint/DL3058.js";
import { DEFAULT_CONFIG, mergeConfig } from "../../../../linter/index.js";
import { ruleCases } from "../../helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { labelSchema: { author: "text", url: "url", version: "semver", commit: "hash", created: "rfc3339", license: "spdx", email: "email" } });

export const cases = ruleCases(DL3058, {
  fires: [
    { dockerfile: "FROM debian:12\nLABEL email=not-an-email\n", line: 2, options: { config } },
  ],
  passes: [
    { dockerfile: "FROM debian:12\nLABEL email=dev@example.com\n", options: { config } },
  ],
});
