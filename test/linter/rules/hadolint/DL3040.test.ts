import { DL3040 } from "../../../../linter/rules/hadolint/DL3040.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3040, {
  fires: [
    { dockerfile: "FROM fedora:40\nRUN dnf install -y httpd-2.4.59\n", line: 2 },
  ],
  passes: [
    "FROM fedora:40\nRUN dnf install -y httpd-2.4.59 && dnf clean all\n",
    "FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y httpd-2.4.59\n",
  ],
});
