import { DL3022 } from "../../../../linter/rules/hadolint/DL3022.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3022, {
  fires: [
    { dockerfile: "FROM debian:12\nCOPY --from=builder /x /x\nFROM debian:12 AS builder\n", line: 2 },
    "FROM debian:12\nCOPY --from=3 /x /x\n",
    "FROM debian:12 AS builder\nFROM debian:12\nCOPY --from=biulder /x /x\n",
  ],
  passes: [
    "FROM debian:12 AS builder\nFROM debian:12\nCOPY --from=builder /x /x\n",
    "FROM debian:12\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
    "FROM debian:12 AS builder\nFROM debian:12\nCOPY --from=0 /x /x\n",
    "FROM debian:12\nARG FROM_STAGE\nCOPY --from=$FROM_STAGE /x /x\n",
    "FROM debian:12\nCOPY --from=ghcr.io/org/tool /bin/tool /bin/\n",
    "FROM scratch\nCOPY --from=hello-world /hello /hello\n",
  ],
});
