import { DL3062 } from "../../../../linter/rules/hadolint/DL3062.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3062, {
  fires: [
    { dockerfile: "FROM golang:1.22\nRUN go install github.com/x/tool\n", line: 2 },
    "FROM golang:1.22\nRUN go install golang.org/x/tools/gopls@latest\n",
  ],
  passes: [
    "FROM golang:1.22\nRUN go install github.com/x/tool@v1.2.3\n",
    "FROM golang:1.22\nRUN go install ./cmd/app\n",
    "FROM golang:1.22\nRUN go build ./...\n",
  ],
});
