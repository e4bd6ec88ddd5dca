import { DL3018 } from "../../../../linter/rules/hadolint/DL3018.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3018, {
  fires: [
    { dockerfile: "FROM alpine:3.20\nRUN apk add --no-cache curl\n", line: 2 },
  ],
  passes: [
    "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.0-r0\n",
    "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc=13.2.1-r0\n",
    "FROM alpine:3.20\nARG V\nRUN apk add --no-cache curl=$V\n",
    "FROM alpine:3.20\nRUN apk add --no-cache ./x.apk\n",
  ],
});
