import { DL4000 } from "../../../../linter/rules/hadolint/DL4000.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL4000, {
  fires: [
    { dockerfile: "FROM debian:12\nMAINTAINER me@example.com\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nLABEL org.opencontainers.image.authors=me@example.com\n",
  ],
});
