import { DL3044 } from "../../../../linter/rules/hadolint/DL3044.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3044, {
  fires: [
    { dockerfile: "FROM debian:12\nENV A=/opt B=$A/bin\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nENV A=/opt\nENV B=$A/bin\n",
    "FROM debian:12\nENV PATH=/opt/bin:$PATH\n",
    "FROM debian:12\nENV A=1\nENV A=2 B=$A\n",
    "FROM debian:12\nENV A=x B='$A'\n",
  ],
});
