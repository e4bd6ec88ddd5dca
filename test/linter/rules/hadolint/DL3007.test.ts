import { DL3007 } from "../../../../linter/rules/hadolint/DL3007.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3007, {
  fires: [
    { dockerfile: "FROM debian:latest\n", line: 1 },
    "ARG TAG=latest\nFROM debian:${TAG}\n",
  ],
  passes: [
    "FROM debian:12\n",
    "FROM debian:latest@sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n",
    "ARG TAG\nFROM debian:${TAG}\n",
  ],
});
