import { DL3037 } from "../../../../linter/rules/hadolint/DL3037.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3037, {
  fires: [
    { dockerfile: "FROM opensuse/leap:15.6\nRUN zypper -n install httpd && zypper clean\n", line: 2 },
  ],
  passes: [
    "FROM opensuse/leap:15.6\nRUN zypper -n install httpd=2.4 'php>=8' && zypper clean\n",
  ],
});
