/** HEALTHCHECK: Test forms, durations in nanoseconds, NONE, history in Go %+v. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { build, createdBy } from "../helpers.js";
import { goDuration } from "../../../builder/gofmt.js";

test("Go duration strings", () => {
  const table: [number, string][] = [[0, "0s"], [30e9, "30s"], [90e9, "1m30s"], [3600e9, "1h0m0s"], [1.5e9, "1.5s"], [5e8, "500ms"], [1500, "1.5µs"], [12, "12ns"]];
  for (const [ns, s] of table) assert.is(goDuration(ns), s);
});

test("CMD shell form with options", async () => {
  const b = await build("FROM scratch\nHEALTHCHECK --interval=30s --timeout=1m30s --retries=3 CMD curl -f http://localhost/ || exit 1\n");
  assert.equal(b.target.state.config.Healthcheck, { Test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], Interval: 30e9, Timeout: 90e9, Retries: 3 });
  assert.equal(createdBy(b), ["HEALTHCHECK {Test:[CMD-SHELL curl -f http://localhost/ || exit 1] Interval:30s Timeout:1m30s StartPeriod:0s StartInterval:0s Retries:3}"]);
});

test("exec form and NONE", async () => {
  const b = await build('FROM scratch\nHEALTHCHECK CMD ["/check", "-q"]\n');
  assert.equal(b.target.state.config.Healthcheck, { Test: ["CMD", "/check", "-q"] });
  const n = await build("FROM scratch\nHEALTHCHECK NONE\n");
  assert.equal(n.target.state.config.Healthcheck, { Test: ["NONE"] });
  assert.equal(createdBy(n), ["HEALTHCHECK {Test:[NONE] Interval:0s Timeout:0s StartPeriod:0s StartInterval:0s Retries:0}"]);
});

test.run();
