// Which instructions the builder expands, and how (Docker's "Environment replacement" list).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { INSTRUCTION_KINDS } from "../../../parser/ast.js";
import { EXPANSION_RULES, FLAG_EXPANSION_RULES } from "../../../parser/shell/index.js";

test("every instruction kind has exactly one rule", () => {
  assert.equal(Object.keys(EXPANSION_RULES).sort(), [...INSTRUCTION_KINDS].sort());
});

const expected: ReadonlyArray<readonly [string, "word" | "words" | "none"]> = [
  ["ADD", "word"],
  ["ARG", "word"],
  ["COPY", "word"],
  ["ENV", "word"],
  ["EXPOSE", "words"],
  ["FROM", "word"],
  ["LABEL", "word"],
  ["STOPSIGNAL", "word"],
  ["USER", "word"],
  ["VOLUME", "word"],
  ["WORKDIR", "word"],
  // ONBUILD's trigger is expanded when it runs, by its own kind's rule.
  ["ONBUILD", "none"],
  // Left to the shell at run time, or not variables at all.
  ["RUN", "none"],
  ["CMD", "none"],
  ["ENTRYPOINT", "none"],
  ["HEALTHCHECK", "none"],
  ["SHELL", "none"],
  ["MAINTAINER", "none"],
];

for (const [kind, rule] of expected) {
  test(`${kind} expands as ${rule}`, () => {
    assert.is(EXPANSION_RULES[kind as keyof typeof EXPANSION_RULES], rule);
  });
}

test("expanded flags", () => {
  assert.equal(FLAG_EXPANSION_RULES.FROM, ["platform"]);
  assert.equal(FLAG_EXPANSION_RULES.RUN, ["mount"]);
  assert.equal(FLAG_EXPANSION_RULES.COPY, ["from", "chown", "chmod"]);
  assert.equal(FLAG_EXPANSION_RULES.ADD, ["chown", "chmod", "checksum"]);
  assert.is(FLAG_EXPANSION_RULES.HEALTHCHECK, undefined);
});

test("the rule tables are frozen", () => {
  assert.ok(Object.isFrozen(EXPANSION_RULES));
  assert.ok(Object.isFrozen(FLAG_EXPANSION_RULES));
  assert.ok(Object.isFrozen(FLAG_EXPANSION_RULES.RUN));
});

test.run();
