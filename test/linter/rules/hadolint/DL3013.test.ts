import { DL3013 } from "../../../../linter/rules/hadolint/DL3013.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3013, {
  fires: [
    { dockerfile: "FROM debian:12\nRUN pip install --no-cache-dir flask\n", line: 2 },
    "FROM debian:12\nRUN python3 -m pip install --no-cache-dir requests==2.31 flask\n",
  ],
  passes: [
    "FROM debian:12\nRUN pip install --no-cache-dir flask==3.0.0 'requests>=2'\n",
    "FROM debian:12\nRUN pip install --no-cache-dir -r requirements.txt\n",
    "FROM debian:12\nRUN pip install --no-cache-dir .\n",
    "FROM debian:12\nRUN pip install --no-cache-dir -c constraints.txt flask\n",
    "FROM debian:12\nRUN pip install --no-cache-dir git+https://github.com/x/y.git\n",
    "FROM debian:12\nARG V=3.0\nRUN pip install --no-cache-dir flask==$V\n",
  ],
});
