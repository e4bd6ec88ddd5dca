import { DL3045 } from "../../../../linter/rules/hadolint/DL3045.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3045, {
  fires: [
    { dockerfile: "FROM debian:12\nCOPY app.py app/\n", line: 2 },
    "FROM debian:12\nCOPY . .\n",
  ],
  passes: [
    "FROM debian:12\nWORKDIR /app\nCOPY . .\n",
    "FROM debian:12\nCOPY app.py /app/\n",
    "FROM debian:12 AS base\nWORKDIR /app\nFROM base\nCOPY . .\n",
    "FROM debian:12\nARG DEST\nCOPY app.py $DEST\n",
  ],
});
