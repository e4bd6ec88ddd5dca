import { DL4006 } from "../../../../linter/rules/hadolint/DL4006.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL4006, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN curl -fsSL https://x/install.sh | bash\n", line: 2 },
    "FROM debian:12\nRUN <<EOF\nset -e\ncurl -fsSL https://x | tar -xz\nEOF\n",
    "FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\nRUN a | b\n",
    "FROM debian:12\nRUN [\"/bin/sh\", \"-c\", \"curl -fsSL https://x | tar -xz\"]\n",
  ],
  passes: [
    "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://x/install.sh | bash\n",
    "FROM debian:12\nRUN set -o pipefail && curl -fsSL https://x | tar -xz\n",
    "FROM debian:12\nRUN echo 'a | b'\n",
    "FROM mcr.microsoft.com/powershell\nSHELL [\"pwsh\", \"-Command\"]\nRUN Get-ChildItem | Select-Object Name\n",
    "FROM debian:12 AS base\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nFROM base\nRUN a | b\n",
    "FROM debian:12\nRUN [\"sh\", \"-c\", \"a\"]\n",
    "FROM debian:12\nRUN [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\", \"curl -fsSL https://x | tar -xz\"]\n",
  ],
});
