import { DL3000 } from "../../../../linter/rules/hadolint/DL3000.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3000, {
  fires: [
    { dockerfile: "FROM debian:12\nWORKDIR app\n", line: 2 },
    "FROM debian:12\nARG DIR=src\nWORKDIR $DIR\n",
  ],
  passes: [
    "FROM debian:12\nWORKDIR /app\n",
    "FROM debian:12\nARG DIR\nWORKDIR $DIR\n",
    "FROM debian:12\nENV HOME=/home/app\nWORKDIR $HOME/src\n",
    "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\\\app\n",
  ],
});
