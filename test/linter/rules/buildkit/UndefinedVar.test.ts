import { UndefinedVar } from "../../../../linter/rules/buildkit/UndefinedVar.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(UndefinedVar, {
  fires: [
    { dockerfile: "FROM alpine AS base\nCOPY $foo .\n", message: "Usage of undefined variable '$foo'", line: 2 },
    { dockerfile: "FROM alpine\nENV APP_HOME=/app\nWORKDIR $APP_HOEM\n", message: "Usage of undefined variable '$APP_HOEM' (did you mean $APP_HOME?)" },
    { dockerfile: "FROM scratch\nCOPY $SRC /\n", message: /SRC/ },
    { dockerfile: "FROM scratch AS a\nENV X=1\nFROM a\nCOPY $X$Y /\n", count: 1, message: /\$Y/ },
  ],
  passes: [
    "FROM alpine AS base\nARG foo\nCOPY $foo .\n",
    "FROM alpine\nWORKDIR $HOME\n",
    "FROM scratch\nCOPY ${SRC:-.} /\n",
    "FROM alpine\nRUN echo $undefined_in_run\n",
    "FROM scratch\nENV PATH=$PATH:/app\n",
    "ARG V=1\nFROM scratch\nARG V\nLABEL v=$V\n",
  ],
});
