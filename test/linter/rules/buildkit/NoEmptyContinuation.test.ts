import { NoEmptyContinuation } from "../../../../linter/rules/buildkit/NoEmptyContinuation.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(NoEmptyContinuation, {
  fires: [{ dockerfile: "FROM alpine\nRUN echo a \\\n\n  && echo b\n", message: "Empty continuation line", line: 3 }],
  passes: ["FROM alpine\nRUN echo a \\\n  && echo b\n", "FROM alpine\nRUN echo a \\\n# a comment\n  && echo b\n"],
});
