/**
 * STOPSIGNAL sig: expanded, validated as moby/sys/signal's ParseSignal does (a non-zero number,
 * or a Linux signal name with or without SIG, any case), stored as written. History `STOPSIGNAL sig`.
 */
import type { StopsignalInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { expanderFor, fail, rangeOf, result, type Handler } from "./types.js";

const NAMES = new Set([
  "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF", "PWR",
  "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2", "VTALRM", "WINCH",
  "XCPU", "XFSZ", "RTMIN", "RTMAX",
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `RTMAX-${i + 1}`),
]);

/** Whether `text` names a signal (ParseSignal). */
export function isValidSignal(text: string): boolean {
  if (/^[+-]?\d+$/.test(text)) return Number(text) !== 0;
  const upper = text.toUpperCase();
  return NAMES.has(upper.startsWith("SIG") ? upper.slice(3) : upper);
}

export const handleStopsignal: Handler<StopsignalInstruction> = (state, instruction, ctx) => {
  if (instruction.signal === null) fail(instruction, ctx, "STOPSIGNAL requires exactly one argument");
  const x = expanderFor(state, instruction, ctx);
  const StopSignal = x.word(instruction.signal.text);
  if (!isValidSignal(StopSignal)) fail(instruction, ctx, `Invalid signal: ${StopSignal}`);
  return result({ ...state, config: { ...state.config, StopSignal } }, [
    { kind: "config", instruction: "STOPSIGNAL", range: rangeOf(instruction, ctx), history: history(`STOPSIGNAL ${StopSignal}`, false) },
  ], x.usedRecord());
};
