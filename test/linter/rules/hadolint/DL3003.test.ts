import { DL3003 } from "../../../../linter/rules/hadolint/DL3003.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3003, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN cd /src && make\n", line: 2 },
    "FROM debian:12\nRUN <<EOF\ncd /src\nmake\nEOF\n",
  ],
  passes: [
    "FROM debian:12\nWORKDIR /src\nRUN make\n",
    "FROM debian:12\nRUN (cd /src && make) && make install\n",
    "FROM debian:12\nRUN echo \"cd /src\"\n",
    "FROM debian:12\nRUN VERSION=$(cd /src && git describe) && echo $VERSION\n",
  ],
});
