/** STOPSIGNAL: expanded, validated like moby/sys/signal, stored as written. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy, rejects } from "../helpers.js";
import { isValidSignal } from "../../../builder/handlers/stopsignal.js";

const table: [string, boolean][] = [
  ["SIGTERM", true], ["TERM", true], ["sigkill", true], ["9", true], ["SIGRTMIN+3", true], ["RTMAX-2", true],
  ["0", false], ["SIGNOPE", false], ["", false],
];
for (const [signal, ok] of table) test(`signal ${JSON.stringify(signal)} is ${ok ? "valid" : "refused"}`, () => assert.is(isValidSignal(signal), ok));

test("STOPSIGNAL keeps the text and writes history", async () => {
  const b = await build("FROM scratch\nARG S=SIGQUIT\nSTOPSIGNAL $S\n");
  assert.is(b.target.state.config.StopSignal, "SIGQUIT");
  assert.equal(createdBy(b).at(-1), "STOPSIGNAL SIGQUIT");
  await rejects(build("FROM scratch\nSTOPSIGNAL SIGFOO\n"), "build-invalid-instruction", "Invalid signal: SIGFOO");
});

test.run();
