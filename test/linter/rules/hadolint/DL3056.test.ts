import { DL3056 } from "../../../../linter/rules/hadolint/DL3056.js";
import { DEFAULT_CONFIG, mergeConfig } from "../../../../linter/index.js";
import { ruleCases } from "../../helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { labelSchema: { author: "text", url: "url", version: "semver", commit: "hash", created: "rfc3339", license: "spdx", email: "email" } });

export const cases = ruleCases(DL3056, {
  fires: [
    { dockerfile: "FROM debian:12\nLABEL version=v1.2\n", line: 2, options: { config } },
  ],
  passes: [
    { dockerfile: "FROM debian:12\nLABEL version=1.2.3-rc.1+build.5\n", options: { config } },
    { dockerfile: "FROM debian:12\nARG V=2.0.0\nLABEL version=$V\n", options: { config } },
  ],
});
