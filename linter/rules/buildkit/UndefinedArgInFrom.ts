import { suggest } from "../../../parser/suggest.js";
import type { Rule } from "../../types.js";

/**
 * BuildKit UndefinedArgInFrom: a FROM line (image or `--platform`) refers to a variable that no
 * global ARG declares and that is not a predefined platform ARG.
 */
export const UndefinedArgInFrom: Rule = {
  meta: {
    id: "UndefinedArgInFrom",
    source: "buildkit",
    severity: "warning",
    summary: "FROM command must use declared ARGs",
  },
  check(ctx) {
    for (const stage of ctx.stages) {
      const from = stage.from;
      const words = [from.image?.text, from.flags.find((f) => f.name === "platform")?.value].filter((w): w is string => !!w && w.includes("$"));
      if (words.length === 0) continue;
      const reported = new Set<string>();
      for (const word of words) {
        const e = ctx.expand(word, from);
        if (!e) continue;
        for (const name of e.unmatched) {
          if (e.scope.get(name) !== undefined || reported.has(name)) continue;
          reported.add(name);
          const declared = e.scope.names().filter((n) => e.scope.get(n)?.source !== "predefined");
          const near = suggest(name, declared);
          ctx.report(this.meta, from.range, `FROM argument '${name}' is not declared${near ? ` (did you mean ${near}?)` : ""}`);
        }
      }
    }
  },
};
