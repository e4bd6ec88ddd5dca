import { DL4005 } from "../../../../linter/rules/hadolint/DL4005.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL4005, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\n",
    "FROM debian:12\nRUN ln -s /opt/app/bin/app /usr/local/bin/app\n",
  ],
});
