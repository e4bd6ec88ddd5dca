import { DL3028 } from "../../../../linter/rules/hadolint/DL3028.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3028, {
  fires: [
    { dockerfile: "FROM ruby:3.3\nRUN gem install rails\n", line: 2 },
  ],
  passes: [
    "FROM ruby:3.3\nRUN gem install rails:7.1.3\n",
    "FROM ruby:3.3\nRUN gem install rails -v 7.1.3\n",
    "FROM ruby:3.3\nRUN gem install ./local.gem\n",
  ],
});
