import { ExposeInvalidFormat } from "../../../../linter/rules/buildkit/ExposeInvalidFormat.js";
import { ruleCases } from "../../helpers.js";

export const cases = ruleCases(ExposeInvalidFormat, {
  fires: [
    { dockerfile: "FROM alpine\nEXPOSE 127.0.0.1:80:80\n", message: "EXPOSE instruction should not define an IP address or host-port mapping, found '127.0.0.1:80:80'" },
    { dockerfile: "FROM alpine\nEXPOSE 80:80\n" },
  ],
  passes: ["FROM alpine\nEXPOSE 80\n", "FROM alpine\nEXPOSE 80/udp 8000-8010\n"],
});
