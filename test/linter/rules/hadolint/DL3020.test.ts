import { DL3020 } from "../../../../linter/rules/hadolint/DL3020.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(DL3020, {
  fires: [
    { dockerfile: "FROM debian:12\nADD app.py /app/\n", line: 2 },
    "FROM debian:12\nADD <<EOF /etc/motd\nhello\nEOF\n",
  ],
  passes: [
    "FROM debian:12\nCOPY app.py /app/\n",
    "FROM debian:12\nADD https://example.com/a.tar.gz /tmp/\n",
    "FROM debian:12\nADD app.tar.gz /opt/\n",
    "FROM debian:12\nADD git@github.com:x/y.git /src\n",
    "FROM debian:12\nARG SRC\nADD $SRC /x\n",
  ],
});
