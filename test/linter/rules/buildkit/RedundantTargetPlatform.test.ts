import { RedundantTargetPlatform } from "../../../../linter/rules/buildkit/RedundantTargetPlatform.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(RedundantTargetPlatform, {
  fires: [
    { dockerfile: "FROM --platform=$TARGETPLATFORM alpine\n", message: "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior" },
    { dockerfile: "FROM --platform=${TARGETPLATFORM} alpine\n" },
  ],
  passes: ["FROM --platform=$BUILDPLATFORM alpine\n", "FROM alpine\n", "FROM --platform=$TARGETOS/$TARGETARCH alpine\n"],
});
