import { WorkdirRelativePath } from "../../../../linter/rules/buildkit/WorkdirRelativePath.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(WorkdirRelativePath, {
  fires: [
    { dockerfile: "FROM alpine\nWORKDIR app\n", message: "Relative workdir \"app\" can have unexpected results if the base image changes", line: 2 },
    { dockerfile: "FROM alpine\nARG D=src\nWORKDIR $D\n", message: /"src"/ },
  ],
  passes: [
    "FROM alpine\nWORKDIR /app\nWORKDIR src\n",
    "FROM alpine AS base\nWORKDIR /app\nFROM base\nWORKDIR src\n",
    "FROM alpine\nARG D\nWORKDIR $D\n",
  ],
});
