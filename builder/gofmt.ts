/**
 * The Go formatting BuildKit uses in history texts: `%q` and `%v` of string slices and
 * time.Duration's String(). Needed to write the same `created_by` strings.
 */
import { goQuote } from "../parser/dump.js";

/** Go's `fmt.Sprintf("%q", []string{...})`: `["a" "b"]`. */
export function goQuoteList(values: readonly string[]): string {
  return `[${values.map(goQuote).join(" ")}]`;
}

/** Go's `fmt.Sprintf("%v", []string{...})`: `[a b]`. */
export function goList(values: readonly string[]): string {
  return `[${values.join(" ")}]`;
}

function frac(v: number, prec: number): { text: string; rest: number } {
  const scale = 10 ** prec;
  const digits = v % scale;
  const rest = Math.floor(v / scale);
  if (digits === 0) return { text: "", rest };
  return { text: "." + String(digits).padStart(prec, "0").replace(/0+$/, ""), rest };
}

/** Go's time.Duration.String() for a number of nanoseconds: `0s`, `1.5s`, `1m30s`, `1h0m0s`, `500ms`. */
export function goDuration(ns: number): string {
  if (ns === 0) return "0s";
  const sign = ns < 0 ? "-" : "";
  const u = Math.abs(Math.trunc(ns));
  if (u < 1e9) {
    if (u < 1e3) return `${sign}${u}ns`;
    const [prec, unit] = u < 1e6 ? [3, "µs"] : [6, "ms"];
    const f = frac(u, prec);
    return `${sign}${f.rest}${f.text}${unit}`;
  }
  const f = frac(u, 9);
  let secs = f.rest;
  let out = `${secs % 60}${f.text}s`;
  secs = Math.floor(secs / 60);
  if (secs > 0) {
    out = `${secs % 60}m` + out;
    secs = Math.floor(secs / 60);
    if (secs > 0) out = `${secs}h` + out;
  }
  return sign + out;
}
