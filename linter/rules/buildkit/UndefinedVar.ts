import type { Instruction, Word } from "../../../parser/index.js";
import { suggest } from "../../../parser/suggest.js";
import { PROXY_ARGS } from "../../context.js";
import type { Rule } from "../../types.js";

/** Names BuildKit never reports: proxy ARGs and its own BUILDKIT_* switches. */
const ALWAYS_DEFINED = new Set<string>(PROXY_ARGS);

/** The words of an instruction that BuildKit expands (docs/shell.md, EXPANSION_RULES). */
function expandedWords(i: Instruction): { text: string; word: Word | null }[] {
  const w = (word: Word | null) => (word ? [{ text: word.text, word }] : []);
  const flag = (name: string) => i.flags.filter((f) => f.name === name && f.value !== null).map((f) => ({ text: f.value!, word: null }));
  switch (i.kind) {
    case "ADD":
    case "COPY": {
      const sources = i.sources.filter((s) => !s.text.startsWith("<<")).flatMap(w);
      return [...sources, ...w(i.destination), ...flag("chown"), ...flag("chmod"), ...(i.kind === "COPY" ? flag("from") : flag("checksum"))];
    }
    case "ENV":
    case "LABEL":
      return i.pairs.flatMap((p) => [{ text: p.key, word: null }, { text: p.value, word: null }]);
    case "ARG":
      return i.args.filter((a) => a.defaultValue !== null).map((a) => ({ text: a.defaultValue!, word: null }));
    case "EXPOSE":
      return i.ports.flatMap(w);
    case "VOLUME":
      return i.paths.flatMap(w);
    case "USER":
      return w(i.user);
    case "WORKDIR":
      return w(i.path);
    case "STOPSIGNAL":
      return w(i.signal);
    case "FROM":
    case "RUN":
    case "CMD":
    case "ENTRYPOINT":
    case "HEALTHCHECK":
    case "SHELL":
    case "MAINTAINER":
    case "ONBUILD":
      return [];
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
    for (const stage of ctx.stages) {
      for (const i of stage.instructions) {
        // Nothing to expand without a `$` in the instruction's text (most instructions).
        if (dollar !== -1 && dollar < i.range.start.offset) dollar = ctx.text.indexOf("$", i.range.start.offset);
        if (dollar < 0 || dollar >= i.range.end.offset) continue;
        const words = expandedWords(i);
        if (words.length === 0) continue;
        const reported = new Set<string>();
        for (const { text, word } of words) {
          if (!text.includes("$")) continue;
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
