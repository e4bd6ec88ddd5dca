import { DL3011 } from "../../../../linter/rules/hadolint/DL3011.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3011, {
  fires: [
    { dockerfile: "FROM debian:12\nEXPOSE 80 65536\n", line: 2 },
    "FROM debian:12\nARG P=70000\nEXPOSE $P/tcp\n",
  ],
  passes: [
    "FROM debian:12\nEXPOSE 80 443/tcp 8000-8010\n",
    "FROM debian:12\nARG P\nEXPOSE $P\n",
  ],
});
