import { DL3030 } from "../../../../linter/rules/hadolint/DL3030.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3030, {
  fires: [
    { dockerfile: "FROM rockylinux:8\nRUN yum install httpd-2.4.37 && yum clean all\n", line: 2 },
  ],
  passes: [
    "FROM rockylinux:8\nRUN yum install -y httpd-2.4.37 && yum clean all\n",
    "FROM rockylinux:8\nRUN yum --assumeyes install httpd-2.4.37 && yum clean all\n",
  ],
});
