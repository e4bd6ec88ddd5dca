/**
 * EXPOSE ports: each word expanded and split into fields (`EXPOSE $PORTS`), then read as
 * BuildKit's parsePortSpec: `port[/proto]` or `start-end[/proto]` (one entry per port),
 * protocol tcp by default (tcp, udp, sctp; any case), an optional `[ip:][hostPort:]` prefix
 * accepted and dropped. History `EXPOSE [80/tcp 443/tcp]`.
 */
import type { ExposeInstruction } from "../../parser/ast.js";
import { history } from "../effects.js";
import { goList } from "../gofmt.js";
import { expanderFor, fail, rangeOf, result, type Handler } from "./types.js";

function parsePort(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

function parseRange(text: string): [number, number] | string {
  if (text === "") return "empty string specified for ports";
  if (!text.includes("-")) {
    const p = parsePort(text);
    return p === null ? "invalid" : [p, p];
  }
  const parts = text.split("-");
  if (parts.length !== 2) return `invalid port range format: ${text}`;
  const start = parsePort(parts[0]!);
  const end = parsePort(parts[1]!);
  if (start === null || end === null) return "invalid";
  if (end < start) return `invalid range specified for port: ${text}`;
  return [start, end];
}

/** One EXPOSE word into `port/proto` entries, or an error message (BuildKit's wording). */
export function parsePortSpec(raw: string): string[] | string {
  const parts = raw.split(":");
  const containerPart = parts[parts.length - 1]!;
  const hostPart = parts.length >= 2 ? parts[parts.length - 2]! : "";
  const slash = containerPart.indexOf("/");
  const port = slash < 0 ? containerPart : containerPart.slice(0, slash);
  let proto = slash < 0 ? "" : containerPart.slice(slash + 1).toLowerCase();
  if (port === "") return `no port specified: ${containerPart}<empty>`;
  if (proto === "") proto = "tcp";
  else if (!["tcp", "udp", "sctp"].includes(proto)) return `invalid proto: ${proto}`;
  const range = parseRange(port);
  if (typeof range === "string") return `invalid containerPort: ${port}`;
  if (hostPart !== "") {
    const host = parseRange(hostPart);
    if (typeof host === "string") return `invalid hostPort: ${hostPart}`;
    if (range[1] - range[0] !== host[1] - host[0] && range[1] !== range[0]) {
      return `invalid ranges specified for container and host Ports: ${port} and ${hostPart}`;
    }
  }
  const out: string[] = [];
  for (let p = range[0]; p <= range[1]; p++) out.push(`${p}/${proto}`);
  return out;
}

export const handleExpose: Handler<ExposeInstruction> = (state, instruction, ctx) => {
  const x = expanderFor(state, instruction, ctx);
  const specs: string[] = [];
  for (const word of instruction.ports) {
    for (const field of x.words(word.text)) {
      const parsed = parsePortSpec(field);
      if (typeof parsed === "string") fail(instruction, ctx, parsed);
      specs.push(...parsed);
    }
  }
  const ExposedPorts: Record<string, Record<string, never>> = { ...(state.config.ExposedPorts ?? {}) };
  for (const s of specs) ExposedPorts[s] = {};
  return result({ ...state, config: { ...state.config, ExposedPorts } }, [
    { kind: "config", instruction: "EXPOSE", range: rangeOf(instruction, ctx), history: history(`EXPOSE ${goList(specs)}`, false) },
  ], x.usedRecord());
};
