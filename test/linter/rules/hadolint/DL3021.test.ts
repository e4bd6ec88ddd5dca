import { DL3021 } from "../../../../linter/rules/hadolint/DL3021.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3021, {
  fires: [
    { dockerfile: "FROM debian:12\nCOPY a b /dest\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nCOPY a b /dest/\n",
    "FROM debian:12\nCOPY a /dest\n",
    "FROM debian:12\nARG DEST\nCOPY a b $DEST\n",
    "FROM debian:12\nARG DEST=/opt/\nCOPY a b $DEST\n",
  ],
});
