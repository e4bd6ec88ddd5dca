import type { Rule } from "../../types.js";

/** BuildKit ExposeProtoCasing: `EXPOSE 80/TCP` should be `80/tcp`. */
export const ExposeProtoCasing: Rule = {
  meta: {
    id: "ExposeProtoCasing",
    source: "buildkit",
    severity: "warning",
    summary: "Protocol in EXPOSE instruction should be lowercase",
    fixable: true,
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      for (const i of ctx.ofKind("EXPOSE", stage)) {
        for (const port of i.ports) {
          const slash = port.text.lastIndexOf("/");
          if (slash < 0) continue;
          const proto = port.text.slice(slash + 1);
          if (proto === proto.toLowerCase()) continue;
          const literal = !/[$"'\\`]/.test(port.text);
          ctx.report(
            this.meta,
            port.range,
            `Defined protocol '${port.text}' in EXPOSE instruction should be lowercase`,
            literal
              ? { description: "lower-case the protocol", edits: [{ start: port.range.start.offset + slash + 1, end: port.range.end.offset, newText: proto.toLowerCase() }] }
              : undefined,
          );
        }
      }
    }
  },
};
