/** The CLI error boundary (bin/errors.ts), in-process. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { reportError, UsageError, ExitCode, HintedError } from "../../bin/errors.js";
import { KilnError } from "../../util/errors.js";

function capture(err: unknown, env: NodeJS.ProcessEnv = {}): { code: number; text: string } {
  let text = "";
  const code = reportError(err, { write: (s: string) => (text += s) }, env);
  return { code, text };
}

test("KilnError: kiln: <message>, its exit code", () => {
  const r = capture(new KilnError("some-code", "the thing failed", { exitCode: 3 }));
  assert.is(r.code, 3);
  assert.is(r.text, "kiln: the thing failed\n");
});

test("KilnError defaults to exit 1; a hint is printed on its own line", () => {
  assert.is(capture(new KilnError("x", "m")).code, 1);
  const r = capture(new HintedError("x", "cannot read Dockerfile", "pass -f"));
  assert.is(r.code, 1);
  assert.is(r.text, "kiln: cannot read Dockerfile\nhint: pass -f\n");
});

test("KILN_DEBUG=1 adds the stack and the cause", () => {
  const err = new KilnError("x", "outer", { cause: new Error("inner cause") });
  const r = capture(err, { KILN_DEBUG: "1" });
  assert.match(r.text, /^kiln: outer\n/);
  assert.match(r.text, /at /);
  assert.match(r.text, /Caused by: Error: inner cause/);
  assert.not.match(capture(err, { KILN_DEBUG: "0" }).text, /at /);
});

test("usage errors exit 2 and point at --help", () => {
  const r = capture(new UsageError("Unknown argument: zz", "parse"));
  assert.is(r.code, ExitCode.usage);
  assert.is(r.text, "kiln: Unknown argument: zz\nRun 'kiln parse --help' for usage.\n");
  assert.match(capture(new UsageError("no command given")).text, /Run 'kiln --help'/);
});

test("anything else is an internal error, exit 70; stack only with KILN_DEBUG", () => {
  const plain = capture(new TypeError("x is not a function"));
  assert.is(plain.code, 70);
  assert.match(plain.text, /^kiln: internal error: x is not a function\n/);
  assert.not.match(plain.text, /\n\s+at /);
  const debug = capture(new TypeError("x is not a function"), { KILN_DEBUG: "1" });
  assert.is(debug.code, 70);
  assert.match(debug.text, /TypeError: x is not a function\n\s+at /);
  assert.is(capture("a string").code, 70);
  assert.is(capture(undefined).code, 70);
});

test("an out-of-range exitCode falls back to 1", () => {
  assert.is(capture(new KilnError("x", "m", { exitCode: 0 })).code, 1);
  assert.is(capture(new KilnError("x", "m", { exitCode: 300 })).code, 1);
});

test.run();
