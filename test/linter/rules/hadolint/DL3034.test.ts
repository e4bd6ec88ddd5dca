import { DL3034 } from "../../../../linter/rules/hadolint/DL3034.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3034, {
  fires: [
    { dockerfile: "FROM opensuse/leap:15.6\nRUN zypper install httpd=2.4 && zypper clean\n", line: 2 },
  ],
  passes: [
    "FROM opensuse/leap:15.6\nRUN zypper install -y httpd=2.4 && zypper clean\n",
    "FROM opensuse/leap:15.6\nRUN zypper -n install httpd=2.4 && zypper clean\n",
    "FROM opensuse/leap:15.6\nRUN zypper --non-interactive in httpd=2.4 && zypper cc\n",
  ],
});
