import { UndefinedArgInFrom } from "../../../../linter/rules/buildkit/UndefinedArgInFrom.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(UndefinedArgInFrom, {
  fires: [
    { dockerfile: "FROM node:${NODE_VERSION}\n", message: "FROM argument 'NODE_VERSION' is not declared" },
    { dockerfile: "ARG NODE_VERSION=20\nFROM node:${NODE_VERSON}\n", message: "FROM argument 'NODE_VERSON' is not declared (did you mean NODE_VERSION?)", line: 2 },
    { dockerfile: "FROM --platform=$PLATFORM alpine\n", message: /PLATFORM/ },
  ],
  passes: [
    "ARG NODE_VERSION=20\nFROM node:${NODE_VERSION}\n",
    "ARG TAG\nFROM alpine:$TAG\n",
    "FROM --platform=$BUILDPLATFORM golang:1.22\n",
    "FROM alpine\nARG X\nFROM alpine\n",
  ],
});
