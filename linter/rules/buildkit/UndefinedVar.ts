import type { Flag, Instruction, Word } from "../../../parser/index.js";
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
  // Helpers taking `out` rather than closures over it: this runs for every instruction with a `$`.
  switch (i.kind) {
    case "ADD":
    case "COPY":
      for (const s of i.sources) if (!s.text.startsWith("<<")) add(out, s.text, s);
      if (i.destination) add(out, i.destination.text, i.destination);
      addFlag(out, i.flags, "chown");
      addFlag(out, i.flags, "chmod");
      addFlag(out, i.flags, i.kind === "COPY" ? "from" : "checksum");
      return;
    case "ENV":
    case "LABEL":
      for (const p of i.pairs) {
        add(out, p.key, null);
        add(out, p.value, null);
      }
      return;
    case "ARG":
      for (const a of i.args) if (a.defaultValue !== null) add(out, a.defaultValue, null);
      return;
    case "EXPOSE":
      for (const w of i.ports) add(out, w.text, w);
      return;
    case "VOLUME":
      for (const w of i.paths) add(out, w.text, w);
      return;
    case "USER":
    case "WORKDIR":
    case "STOPSIGNAL": {
      const w = i.kind === "USER" ? i.user : i.kind === "WORKDIR" ? i.path : i.signal;
      if (w) add(out, w.text, w);
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

function add(out: Expanded[], text: string, word: Word | null): void {
  if (text.includes("$")) out.push({ text, word });
}

function addFlag(out: Expanded[], flags: readonly Flag[], name: string): void {
  for (const f of flags) if (f.name === name && f.value !== null) add(out, f.value, null);
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
        // A fresh list (setting `length = 0` on a reused one was a runtime call).
        const words: Expanded[] = [];
        expandedWords(i, words);
        if (words.length === 0) continue;
        let reported: Set<string> | undefined;
        for (const { text, word } of words) {
          const e = ctx.expand(text, i);
          if (!e || e.unmatched.size === 0) continue;
          for (const name of e.unmatched) {
            if (reported?.has(name) || e.scope.get(name) !== undefined || ALWAYS_DEFINED.has(name) || name.startsWith("BUILDKIT_")) continue;
            if (guarded(text, name) || /^\d+$/.test(name) || name.length === 1 && !/\w/.test(name)) continue;
            const near = suggest(name, e.scope.names());
            if (!e.scope.closed && !near && name === name.toUpperCase()) continue;
            (reported ??= new Set()).add(name);
            ctx.report(this.meta, word?.range ?? i.range, `Usage of undefined variable '$${name}'${near ? ` (did you mean $${near}?)` : ""}`);
          }
        }
      }
    }
  },
};
