import { DL3032 } from "../../../../linter/rules/hadolint/DL3032.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3032, {
  fires: [
    { dockerfile: "FROM rockylinux:8\nRUN yum install -y httpd-2.4.37\n", line: 2 },
  ],
  passes: [
    "FROM rockylinux:8\nRUN yum install -y httpd-2.4.37 && yum clean all\n",
    "FROM rockylinux:8\nRUN --mount=type=cache,target=/var/cache/yum yum install -y httpd-2.4.37\n",
    "FROM rockylinux:8\nRUN yum install -y httpd-2.4.37 && rm -rf /var/cache/yum\n",
  ],
});
