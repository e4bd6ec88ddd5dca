import { InvalidDefinitionDescription } from "../../../../linter/rules/buildkit/InvalidDefinitionDescription.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(InvalidDefinitionDescription, {
  fires: [
    { dockerfile: "# a non-descriptive comment\nFROM scratch AS base\n", message: "Comment for build stage should follow the format: `# base <description>`", line: 2 },
    { dockerfile: "FROM scratch\n# another non-descriptive comment\nARG VERSION=1\n", message: /# VERSION <description>/ },
  ],
  passes: [
    "# a non-descriptive comment\n\nFROM scratch AS base\n",
    "# base is a stage for compiling source\nFROM scratch AS base\n# VERSION This is the version number.\nARG VERSION=1\n",
    "# just a comment\nFROM scratch\n",
  ],
});
