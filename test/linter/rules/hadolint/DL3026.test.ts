import { DL3026 } from "../../../../linter/rules/hadolint/DL3026.js";
import { DEFAULT_CONFIG, mergeConfig } from "../../../../linter/index.js";
import { ruleCases } from "../../helpers.js";

const config = mergeConfig(DEFAULT_CONFIG, { trustedRegistries: ["docker.io", "my.registry.io", "*.mirror.corp"] });

export const cases = ruleCases(DL3026, {
  fires: [
    { dockerfile: "FROM evil.example.com/debian:12\n", line: 1, options: { config } },
    { dockerfile: "FROM debian:12\n", options: { config: mergeConfig(DEFAULT_CONFIG, { trustedRegistries: ["my.registry.io"] }) } },
    { dockerfile: "ARG REGISTRY=quay.io\nFROM ${REGISTRY}/org/app:1.0\n", options: { config } },
  ],
  passes: [
    { dockerfile: "FROM docker.io/library/debian:12\n", options: { config } },
    { dockerfile: "FROM debian:12\n", options: { config } },
    { dockerfile: "FROM my.registry.io/app:1\n", options: { config } },
    { dockerfile: "FROM eu.mirror.corp/app:1\n", options: { config } },
    { dockerfile: "ARG REGISTRY\nFROM ${REGISTRY}/app:1\n", options: { config } },
    { dockerfile: "FROM my.registry.io/app:1 AS base\nFROM base\n", options: { config } },
    "FROM evil.example.com/debian:12\n",
  ],
});
