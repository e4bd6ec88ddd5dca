/**
 * The Chevrotain lexer and grammar pass Chevrotain's own validations (ambiguities, left
 * recursion, unreachable or conflicting token patterns, lost first-character optimisations).
 * kiln skips those checks when it builds them at run time (parser/grammar.ts), so they run here.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { checkGrammar } from "../../parser/grammar.js";

test("the lexer and the grammar pass Chevrotain's validations", () => {
  assert.not.throws(() => checkGrammar());
});

test.run();
