import { DL3047 } from "../../../../linter/rules/hadolint/DL3047.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3047, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN wget https://example.com/big.iso\n", line: 2 },
  ],
  passes: [
    "FROM debian:12\nRUN wget --progress=dot:giga https://example.com/big.iso\n",
    "FROM debian:12\nRUN wget -q https://example.com/x\n",
    "FROM debian:12\nRUN wget -nv https://example.com/x\n",
    "FROM debian:12\nRUN wget -qO- https://example.com/x\n",
  ],
});
