import { DL3010 } from "../../../../linter/rules/hadolint/DL3010.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3010, {
  fires: [
    { dockerfile: "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nADD app.tar.gz /opt/\n",
    "FROM debian:12\nCOPY app.tar.gz /srv/\n",
    "FROM debian:12\nCOPY --from=build /app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\n",
  ],
});
