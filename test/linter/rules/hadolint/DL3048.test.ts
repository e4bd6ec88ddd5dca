import { DL3048 } from "../../../../linter/rules/hadolint/DL3048.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3048, {
  fires: [
    { dockerfile: "FROM debian:12\nLABEL Invalid_Key=x\n", line: 2 },
    "FROM debian:12\nLABEL com.docker.thing=x\n",
  ],
  passes: [
    "FROM debian:12\nLABEL org.opencontainers.image.title=app maintainer=me\n",
  ],
});
