/** `RUN --mount=type=...,key=value,...` into a typed Mount (BuildKit's runmount semantics). */
import type { Flag, Mount, MountType } from "../ast.js";
import { ParseCodes } from "../diagnostics.js";
import { suggest } from "../suggest.js";
import type { InstructionInput } from "./context.js";

const TYPES: readonly MountType[] = ["bind", "cache", "tmpfs", "secret", "ssh"];
const KEYS = [
  "type", "target", "dst", "destination", "source", "src", "from", "id", "readonly", "ro", "readwrite", "rw",
  "sharing", "mode", "uid", "gid", "size", "env", "required",
];
const KEY_SET: ReadonlySet<string> = new Set(KEYS);
const BOOL_KEYS = new Set(["readonly", "ro", "readwrite", "rw", "required"]);
const SHARING_MODES = ["shared", "private", "locked"];

/** CSV fields as Go's encoding/csv reads one record: `"` quotes a field, `""` is a quote. */
export function splitCsv(text: string): string[] {
  if (!text.includes('"')) {
    // indexOf and slice: String.split cost about twice as much here.
    const out: string[] = [];
    for (let k = 0; ; ) {
      const comma = text.indexOf(",", k);
      if (comma < 0) {
        out.push(text.slice(k));
        return out;
      }
      out.push(text.slice(k, comma));
      k = comma + 1;
    }
  }
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      fields.push(field);
      field = "";
    } else field += c;
  }
  fields.push(field);
  return fields;
}

export function parseMount(input: InstructionInput, flag: Flag): Mount {
  const options: Record<string, string> = {};
  const bools = new Map<string, boolean>();
  const bad = (message: string) => input.report(ParseCodes.invalidMount, message, flag.range);
  for (const field of splitCsv(flag.value ?? "")) {
    if (field.trim() === "") continue;
    const eq = field.indexOf("=");
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? null : field.slice(eq + 1);
    if (!KEY_SET.has(key)) {
      const near = suggest(key, KEYS);
      input.report(ParseCodes.invalidMount, `unexpected key '${key}' in '${field}'`, flag.range, "error", near ? `did you mean ${near}?` : undefined);
      continue;
    }
    if (BOOL_KEYS.has(key)) {
      const v = value === null ? "true" : value.toLowerCase();
      if (v !== "true" && v !== "false") bad(`invalid value for ${key}: ${value}`);
      else bools.set(key, v === "true");
      if (value !== null) options[key] = value;
      else options[key] = "true";
      continue;
    }
    if (value === null) {
      bad(`invalid field '${field}': must be a key=value pair`);
      continue;
    }
    options[key] = value;
  }
  const typeText = (options.type ?? "bind").toLowerCase();
  const type = (TYPES as readonly string[]).includes(typeText) ? (typeText as MountType) : null;
  if (type === null) bad(`unsupported mount type "${typeText}" (use bind, cache, tmpfs, secret or ssh)`);
  const mountType: MountType = type ?? "bind";
  const target = options.target ?? options.dst ?? options.destination ?? null;
  if (target === null && (mountType === "bind" || mountType === "cache" || mountType === "tmpfs")) bad(`mount type ${mountType} requires a target`);
  const sharing = options.sharing ?? null;
  if (sharing !== null && !SHARING_MODES.includes(sharing)) bad(`unrecognized sharing mode "${sharing}" (use shared, private or locked)`);
  if (sharing !== null && mountType !== "cache") bad(`sharing is only valid for cache mounts`);
  for (const key of ["uid", "gid"] as const) {
    const v = options[key];
    if (v !== undefined && !v.includes("$") && !/^\d+$/.test(v)) bad(`invalid ${key} "${v}": must be a number`);
  }
  if (options.mode !== undefined && !options.mode.includes("$") && !/^[0-7]+$/.test(options.mode)) bad(`invalid mode "${options.mode}": must be octal`);
  if (options.env !== undefined && mountType !== "secret") bad(`env is only valid for secret mounts`);
  const readwrite = bools.get("readwrite") ?? bools.get("rw");
  const ro = bools.get("readonly") ?? bools.get("ro");
  const readonly = ro ?? (readwrite !== undefined ? !readwrite : mountType === "bind");
  return {
    type: mountType,
    target,
    source: options.source ?? options.src ?? null,
    from: options.from ?? null,
    id: options.id ?? null,
    readonly,
    sharing: mountType === "cache" ? ((sharing as Mount["sharing"]) ?? "shared") : null,
    mode: options.mode ?? null,
    uid: options.uid ?? null,
    gid: options.gid ?? null,
    size: options.size ?? null,
    env: options.env ?? null,
    required: bools.get("required") ?? false,
    options,
    range: flag.range,
  };
}
