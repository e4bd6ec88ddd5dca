import { DL3060 } from "../../../../linter/rules/hadolint/DL3060.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3060, {
  fires: [
    { dockerfile: "FROM node:20\nRUN yarn install\n", line: 2 },
  ],
  passes: [
    "FROM node:20\nRUN yarn install && yarn cache clean\n",
    "FROM node:20\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n",
    "FROM node:20\nRUN yarn build\n",
  ],
});
