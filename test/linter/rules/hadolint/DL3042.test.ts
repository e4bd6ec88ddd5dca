import { DL3042 } from "../../../../linter/rules/hadolint/DL3042.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3042, {
  fires: [
    { dockerfile: "FROM python:3.12\nRUN pip install flask==3.0.0\n", line: 2 },
    "FROM python:3.12\nRUN python -m pip install -r requirements.txt\n",
  ],
  passes: [
    "FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.0\n",
    "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.0\n",
    "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.0\n",
    "FROM python:3.12\nRUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.0\n",
    "FROM python:3.12\nRUN pip install --upgrade\n",
  ],
});
