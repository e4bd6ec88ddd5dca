import { DL3049 } from "../../../../linter/rules/hadolint/DL3049.js";
import { DEFAULT_CONFIG, mergeConfig } from "../../../../linter/index.js";
import { ruleCases } from "../../helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { labelSchema: { author: "text", url: "url", version: "semver", commit: "hash", created: "rfc3339", license: "spdx", email: "email" } });

export const cases = ruleCases(DL3049, {
  fires: [
    { dockerfile: "FROM debian:12\nLABEL author=me\n", line: 1, options: { config } },
  ],
  passes: [
    { dockerfile: "FROM debian:12\nLABEL author=me url=https://x.io version=1.0.0 commit=abcdef1 created=2024-01-01T00:00:00Z license=MIT email=a@b.io\n", options: { config } },
    { dockerfile: "FROM debian:12 AS base\nLABEL author=me url=https://x.io version=1.0.0 commit=abcdef1 created=2024-01-01T00:00:00Z license=MIT email=a@b.io\nFROM base\n", options: { config } },
    "FROM debian:12\nLABEL nothing=required\n",
  ],
});
