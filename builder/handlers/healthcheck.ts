/**
 * HEALTHCHECK: `NONE` → Test ["NONE"]; `CMD` shell form → ["CMD-SHELL", text], exec form →
 * ["CMD", args…]. Durations become nanoseconds (0 = inherit Docker's default), retries a
 * number; zero fields are left out of the config as Docker's omitempty does. History
 * `HEALTHCHECK {Test:[CMD-SHELL x] Interval:30s Timeout:0s StartPeriod:0s StartInterval:0s Retries:0}` (Go %+v).
 */
import type { HealthcheckInstruction } from "../../parser/ast.js";
import type { HealthConfig } from "../../image/types.js";
import { parseGoDuration } from "../../parser/instructions/healthcheck.js";
import { history } from "../effects.js";
import { goDuration, goList } from "../gofmt.js";
import { fail, rangeOf, result, type Handler } from "./types.js";

export const handleHealthcheck: Handler<HealthcheckInstruction> = (state, instruction, ctx) => {
  const duration = (name: string, text: string | null): number => {
    if (text === null) return 0;
    const ns = parseGoDuration(text);
    if (ns === null) fail(instruction, ctx, `time: invalid duration "${text}"`);
    if (ns < 0) fail(instruction, ctx, `Interval "${name}" cannot be negative`);
    if (ns !== 0 && ns < 1e6) fail(instruction, ctx, `Interval "${name}" cannot be less than 1ms`);
    return ns;
  };
  const test = instruction.command === null
    ? ["NONE"]
    : instruction.command.form === "exec" ? ["CMD", ...instruction.command.args] : ["CMD-SHELL", instruction.command.text];
  const interval = duration("interval", instruction.interval);
  const timeout = duration("timeout", instruction.timeout);
  const startPeriod = duration("start-period", instruction.startPeriod);
  const startInterval = duration("start-interval", instruction.startInterval);
  let retries = 0;
  if (instruction.retries !== null) {
    if (!/^-?\d+$/.test(instruction.retries)) fail(instruction, ctx, `strconv.ParseInt: parsing "${instruction.retries}": invalid syntax`);
    retries = Number(instruction.retries);
    if (retries < 0) fail(instruction, ctx, "--retries cannot be negative");
  }
  const Healthcheck: HealthConfig = { Test: test };
  if (interval) Healthcheck.Interval = interval;
  if (timeout) Healthcheck.Timeout = timeout;
  if (startPeriod) Healthcheck.StartPeriod = startPeriod;
  if (startInterval) Healthcheck.StartInterval = startInterval;
  if (retries) Healthcheck.Retries = retries;
  const text = `HEALTHCHECK {Test:${goList(test)} Interval:${goDuration(interval)} Timeout:${goDuration(timeout)} StartPeriod:${goDuration(startPeriod)} StartInterval:${goDuration(startInterval)} Retries:${retries}}`;
  return result({ ...state, config: { ...state.config, Healthcheck } }, [
    { kind: "config", instruction: "HEALTHCHECK", range: rangeOf(instruction, ctx), history: history(text, false) },
  ]);
};
