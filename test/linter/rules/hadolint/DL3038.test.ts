import { DL3038 } from "../../../../linter/rules/hadolint/DL3038.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3038, {
  fires: [
    { dockerfile: "FROM fedora:40\nRUN dnf install httpd-2.4.59 && dnf clean all\n", line: 2 },
    "FROM fedora:40\nRUN microdnf install httpd-2.4.59 && microdnf clean all\n",
  ],
  passes: [
    "FROM fedora:40\nRUN dnf install -y httpd-2.4.59 && dnf clean all\n",
    "FROM fedora:40\nRUN dnf upgrade-minimal --help\n",
  ],
});
