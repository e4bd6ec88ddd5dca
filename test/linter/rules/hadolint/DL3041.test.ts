import { DL3041 } from "../../../../linter/rules/hadolint/DL3041.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3041, {
  fires: [
    { dockerfile: "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n", line: 2 },
  ],
  passes: [
    "FROM fedora:40\nRUN dnf install -y httpd-2.4.59 && dnf clean all\n",
    "FROM fedora:40\nRUN dnf module install -y nodejs:20 && dnf clean all\n",
  ],
});
