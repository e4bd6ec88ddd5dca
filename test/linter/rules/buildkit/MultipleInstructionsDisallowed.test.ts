import { MultipleInstructionsDisallowed } from "../../../../linter/rules/buildkit/MultipleInstructionsDisallowed.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(MultipleInstructionsDisallowed, {
  fires: [
    { dockerfile: "FROM alpine\nCMD [\"a\"]\nCMD [\"b\"]\n", message: "Multiple CMD instructions should not be used in the same stage because only the last one will be used", line: 2, count: 1 },
    { dockerfile: "FROM alpine\nENTRYPOINT [\"a\"]\nENTRYPOINT [\"b\"]\nENTRYPOINT [\"c\"]\n", count: 2 },
    { dockerfile: "FROM alpine\nHEALTHCHECK NONE\nHEALTHCHECK CMD [\"x\"]\n", message: /HEALTHCHECK/ },
  ],
  passes: ["FROM alpine\nCMD [\"a\"]\nFROM alpine\nCMD [\"b\"]\n", "FROM alpine\nCMD [\"a\"]\nENTRYPOINT [\"b\"]\n"],
});
