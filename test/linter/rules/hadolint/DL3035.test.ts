import { DL3035 } from "../../../../linter/rules/hadolint/DL3035.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3035, {
  fires: [
    { dockerfile: "FROM opensuse/leap:15.6\nRUN zypper -n dist-upgrade && zypper clean\n", line: 2 },
  ],
  passes: [
    "FROM opensuse/leap:15.6\nRUN zypper -n install httpd=2.4 && zypper clean\n",
  ],
});
