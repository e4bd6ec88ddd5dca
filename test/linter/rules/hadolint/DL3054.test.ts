import { DL3054 } from "../../../../linter/rules/hadolint/DL3054.js";
import { DEFAULT_CONFIG, mergeConfig } from "../../../../linter/index.js";
import { ruleCases } from "../../helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { labelSchema: { author: "text", url: "url", version: "semver", commit: "hash", created: "rfc3339", license: "spdx", email: "email" } });

export const cases = ruleCases(DL3054, {
  fires: [
    { dockerfile: "FROM debian:12\nLABEL license=MyLicense\n", line: 2, options: { config } },
  ],
  passes: [
    { dockerfile: "FROM debian:12\nLABEL license=\"Apache-2.0 OR MIT\"\n", options: { config } },
    { dockerfile: "FROM debian:12\nLABEL license=LicenseRef-Proprietary\n", options: { config } },
  ],
});
