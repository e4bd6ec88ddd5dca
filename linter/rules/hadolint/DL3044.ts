import type { Rule } from "../../types.js";
import type { Instruction } from "../../../parser/index.js";

/** Names referenced by `$NAME` / `${NAME...}` outside single quotes and escapes. */
function referenced(value: string): string[] {
  const out: string[] = [];
  let quote = false;
  for (let k = 0; k < value.length; k++) {
    const c = value[k];
    if (c === "\\") k++;
    else if (c === "'") quote = !quote;
    else if (c === "$" && !quote) {
      const m = /^\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(value.slice(k + 1));
      if (m) out.push(m[1]!);
    }
  }
  return out;
}

/**
 * hadolint DL3044: Do not refer to an environment variable within the same `ENV` statement where it is defined.
 * Within one ENV instruction, `$NAME` still means the value from before the instruction, not the one set a few words earlier, which is rarely what was meant. Variables that already had a value before the ENV are fine.
 */
export const DL3044: Rule = {
  meta: {
    id: "DL3044",
    source: "hadolint",
    severity: "error",
    summary: "Do not refer to an environment variable within the same `ENV` statement where it is defined",
  },
  check(ctx) {
    const visit = (i: Instruction) => {
      if (i.kind !== "ENV") return;
      const scope = ctx.scope(i);
      const defined = new Set<string>();
      for (const p of i.pairs) {
        for (const name of referenced(p.value)) {
          if (defined.has(name) && !scope?.get(name)) {
            ctx.report(this.meta, p.range, `Do not refer to an environment variable within the same ENV statement where it is defined (${name})`);
            break;
          }
        }
        defined.add(p.key);
      }
    };
    for (const i of ctx.ofKind("ENV")) visit(i);
  },
};
