import type { Instruction, Word } from "../../../parser/index.js";
import { suggest } from "../../../parser/suggest.js";
import { PROXY_ARGS } from "../../context.js";
import type { Rule } from "../../types.js";

/** Names BuildKit never reports: proxy ARGs and its own BUILDKIT_* switches. */
const ALWAYS_DEFINED = new Set<string>(PROXY_ARGS);

interface Expanded {
  readonly text: string;
  readonly word: Word | null;
}

/**
 * The words of an instruction that BuildKit expands (docs/shell.md, EXPANSION_RULES), in order;
 * only those with a `$` (nothing to expand in the others), pushed to `out`: no intermediate
 * arrays (this ran with filter/flatMap/spread for every instruction with a `$`, 1.7% of lint).
 */
function expandedWords(i: Instruction, out: Expanded[]): void {
  const text = (t: string, word: Word | null) => {
    if (t.includes("$")) out.push({ text: t, word });
  };
  const flag = (name: string) => {
    for (const f of i.flags) if (f.name === name && f.value !== null) text(f.value, null);
  };
  switch (i.kind) {
    case "ADD":
    case "COPY":
      for (const s of i.sources) if (!s.text.startsWith("<<")) text(s.text, s);
      if (i.destination) text(i.destination.text, i.destination);
      flag("chown");
      flag("chmod");
      flag(i.kind === "COPY" ? "from" : "checksum");
      return;
    case "ENV":
    case "LABEL":
      for (const p of i.pairs) {
        text(p.key, null);
        text(p.value, null);
      }
      return;
    case "ARG":
      for (const a of i.args) if (a.defaultValue !== null) text(a.defaultValue, null);
      return;
    case "EXPOSE":
      for (const w of i.ports) text(w.text, w);
      return;
    case "VOLUME":
      for (const w of i.paths) text(w.text, w);
      return;
    case "USER":
    case "WORKDIR":
    case "STOPSIGNAL": {
      const w = i.kind === "USER" ? i.user : i.kind === "WORKDIR" ? i.path : i.signal;
      if (w) text(w.text, w);
      return;
    }
    case "FROM":
    case "RUN":
    case "CMD":
    case "ENTRYPOINT":
    case "HEALTHCHECK":
    case "SHELL":
    case "MAINTAINER":
    case "ONBUILD":
      return;
  }
}

/** `${NAME:-…}`, `${NAME-…}`, `${NAME:+…}`, `${NAME+…}`, `${NAME:?…}`, `${NAME?…}`: unset is handled on purpose. */
function guarded(text: string, name: string): boolean {
  const needle = "${" + name;
  for (let k = text.indexOf(needle); k >= 0; k = text.indexOf(needle, k + 1)) {
    let j = k + needle.length;
    if (text.charCodeAt(j) === 58 /* : */) j++;
    const c = text[j];
    if (c === "-" || c === "+" || c === "?") return true;
  }
  return false;
}

/**
 * BuildKit UndefinedVar: a word BuildKit expands refers to a variable no ARG or ENV in scope
 * defines. kiln cannot see a base image's ENV, so for stages built on external images it reports
 * only names that cannot come from one: names with a lower-case letter (image ENV names are upper
 * case by convention) or likely typos of a variable in scope ("did you mean"). Stages built
 * `FROM scratch` (or on such stages) are fully known and every undefined name is reported.
 * References with a default (`${NAME:-x}`) are deliberate and never reported.
 */
export const UndefinedVar: Rule = {
  meta: {
    id: "UndefinedVar",
    source: "buildkit",
    severity: "warning",
    summary: "Variables should be defined before their use",
  },
  check(ctx) {
    // The next `$` at or after an offset, found once per stretch of text (instructions come in
    // file order, so the search never rescans the file for each instruction).
    let dollar = -2;
    const words: Expanded[] = [];
    for (const stage of ctx.stages) {
      for (const i of stage.instructions) {
        // Nothing to expand without a `$` in the instruction's text (most instructions).
        if (dollar !== -1 && dollar < i.range.start.offset) dollar = ctx.text.indexOf("$", i.range.start.offset);
        if (dollar < 0 || dollar >= i.range.end.offset) continue;
        words.length = 0;
        expandedWords(i, words);
        if (words.length === 0) continue;
        const reported = new Set<string>();
        for (const { text, word } of words) {
          const e = ctx.expand(text, i);
          if (!e) continue;
          for (const name of e.unmatched) {
            if (reported.has(name) || e.scope.get(name) !== undefined || ALWAYS_DEFINED.has(name) || name.startsWith("BUILDKIT_")) continue;
            if (guarded(text, name) || /^\d+$/.test(name) || name.length === 1 && !/\w/.test(name)) continue;
            const near = suggest(name, e.scope.names());
            if (!e.scope.closed && !near && name === name.toUpperCase()) continue;
            reported.add(name);
            ctx.report(this.meta, word?.range ?? i.range, `Usage of undefined variable '$${name}'${near ? ` (did you mean $${near}?)` : ""}`);
          }
        }
      }
    }
  },
};
