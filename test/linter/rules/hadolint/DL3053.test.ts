import { DL3053 } from "../../../../linter/rules/hadolint/DL3053.js";
import { DEFAULT_CONFIG, mergeConfig } from "../../../../linter/index.js";
import { ruleCases } from "../../helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { labelSchema: { author: "text", url: "url", version: "semver", commit: "hash", created: "rfc3339", license: "spdx", email: "email" } });

export const cases = ruleCases(DL3053, {
  fires: [
    { dockerfile: "FROM debian:12\nLABEL created=yesterday\n", line: 2, options: { config } },
    { dockerfile: "FROM debian:12\nLABEL created=2024-13-01T00:00:00Z\n", options: { config } },
  ],
  passes: [
    { dockerfile: "FROM debian:12\nLABEL created=2024-05-01T12:30:00+02:00\n", options: { config } },
  ],
});
