import { DL3016 } from "../../../../linter/rules/hadolint/DL3016.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3016, {
  fires: [
    { dockerfile: "FROM node:20\nRUN npm install -g express\n", line: 2 },
    "FROM node:20\nRUN npm i typescript@latest\n",
  ],
  passes: [
    "FROM node:20\nRUN npm install -g express@4.19.2\n",
    "FROM node:20\nRUN npm install\n",
    "FROM node:20\nRUN npm ci\n",
    "FROM node:20\nRUN npm install ./local-pkg\n",
    "FROM node:20\nRUN npm install @scope/pkg@1.2.3\n",
    "FROM node:20\nRUN npm install git+https://github.com/x/y.git\n",
  ],
});
