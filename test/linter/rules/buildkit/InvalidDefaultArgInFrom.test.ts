import { InvalidDefaultArgInFrom } from "../../../../linter/rules/buildkit/InvalidDefaultArgInFrom.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(InvalidDefaultArgInFrom, {
  fires: [
    { dockerfile: "ARG TAG\nFROM busybox:${TAG}\n", message: "Default value for ARG busybox:${TAG} results in empty or invalid base image name", line: 2 },
    { dockerfile: "ARG IMAGE\nFROM $IMAGE\n" },
  ],
  passes: ["ARG TAG=latest\nFROM busybox:${TAG}\n", "ARG TAG\nFROM busybox:${TAG:-latest}\n", "ARG V=3.19\nFROM alpine:$V AS base\nFROM base\n"],
});
