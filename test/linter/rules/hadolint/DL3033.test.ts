import { DL3033 } from "../../../../linter/rules/hadolint/DL3033.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3033, {
  fires: [
    { dockerfile: "FROM rockylinux:8\nRUN yum install -y httpd && yum clean all\n", line: 2 },
  ],
  passes: [
    "FROM rockylinux:8\nRUN yum install -y httpd-2.4.37 && yum clean all\n",
    "FROM rockylinux:8\nRUN yum install -y ./local.rpm && yum clean all\n",
  ],
});
