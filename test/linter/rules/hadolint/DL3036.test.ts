import { DL3036 } from "../../../../linter/rules/hadolint/DL3036.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3036, {
  fires: [
    { dockerfile: "FROM opensuse/leap:15.6\nRUN zypper -n install httpd=2.4\n", line: 2 },
  ],
  passes: [
    "FROM opensuse/leap:15.6\nRUN zypper -n install httpd=2.4 && zypper clean\n",
    "FROM opensuse/leap:15.6\nRUN --mount=type=cache,target=/var/cache/zypp zypper -n install httpd=2.4\n",
  ],
});
