import { DL3019 } from "../../../../linter/rules/hadolint/DL3019.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3019, {
  fires: [
    { dockerfile: "FROM alpine:3.20\nRUN apk add curl=8.9.0-r0\n", line: 2 },
  ],
  passes: [
    "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.0-r0\n",
    "FROM alpine:3.20\nRUN --mount=type=cache,target=/var/cache/apk apk add curl=8.9.0-r0\n",
    "FROM alpine:3.20\nRUN apk update && apk add curl=8.9.0-r0 && rm -rf /var/cache/apk/*\n",
  ],
});
