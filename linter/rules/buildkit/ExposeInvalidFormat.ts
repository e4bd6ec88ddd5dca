import type { Rule } from "../../types.js";

/** BuildKit ExposeInvalidFormat: `EXPOSE 127.0.0.1:80:80` or `EXPOSE 8080:80` (a `docker run -p` spec). */
export const ExposeInvalidFormat: Rule = {
  meta: {
    id: "ExposeInvalidFormat",
    source: "buildkit",
    severity: "warning",
    summary: "IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release",
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      for (const i of ctx.ofKind("EXPOSE", stage)) {
        for (const port of i.ports) {
          const value = port.text.includes("$") ? ctx.resolve(port, i) : port.text;
          if (value === undefined || !value.includes(":")) continue;
          ctx.report(this.meta, port.range, `EXPOSE instruction should not define an IP address or host-port mapping, found '${value}'`);
        }
      }
    }
  },
};
