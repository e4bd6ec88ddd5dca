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

function bad(input: InstructionInput, flag: Flag, message: string): void {
  input.report(ParseCodes.invalidMount, message, flag.range);
}

export function parseMount(input: InstructionInput, flag: Flag): Mount {
  // `options` (every key as written, for the AST) and the typed fields in locals, set as the
  // fields are read: reading them back from `options` (objects with keys in any order) was a
  // megamorphic load per field.
  const options: Record<string, string> = {};
  let type: string | undefined;
  let target: string | undefined;
  let dst: string | undefined;
  let destination: string | undefined;
  let source: string | undefined;
  let src: string | undefined;
  let from: string | undefined;
  let id: string | undefined;
  let sharing: string | undefined;
  let mode: string | undefined;
  let uid: string | undefined;
  let gid: string | undefined;
  let size: string | undefined;
  let env: string | undefined;
  let readonlyFlag: boolean | undefined;
  let ro: boolean | undefined;
  let readwrite: boolean | undefined;
  let rw: boolean | undefined;
  let required: boolean | undefined;
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
      if (v !== "true" && v !== "false") bad(input, flag, `invalid value for ${key}: ${value}`);
      else {
        const b = v === "true";
        if (key === "readonly") readonlyFlag = b;
        else if (key === "ro") ro = b;
        else if (key === "readwrite") readwrite = b;
        else if (key === "rw") rw = b;
        else required = b;
      }
      if (value !== null) options[key] = value;
      else options[key] = "true";
      continue;
    }
    if (value === null) {
      bad(input, flag, `invalid field '${field}': must be a key=value pair`);
      continue;
    }
    options[key] = value;
    switch (key) {
      case "type": type = value; break;
      case "target": target = value; break;
      case "dst": dst = value; break;
      case "destination": destination = value; break;
      case "source": source = value; break;
      case "src": src = value; break;
      case "from": from = value; break;
      case "id": id = value; break;
      case "sharing": sharing = value; break;
      case "mode": mode = value; break;
      case "uid": uid = value; break;
      case "gid": gid = value; break;
      case "size": size = value; break;
      case "env": env = value; break;
    }
  }
  const typeText = (type ?? "bind").toLowerCase();
  const known = (TYPES as readonly string[]).includes(typeText) ? (typeText as MountType) : null;
  if (known === null) bad(input, flag, `unsupported mount type "${typeText}" (use bind, cache, tmpfs, secret or ssh)`);
  const mountType: MountType = known ?? "bind";
  const targetPath = target ?? dst ?? destination ?? null;
  if (targetPath === null && (mountType === "bind" || mountType === "cache" || mountType === "tmpfs")) bad(input, flag, `mount type ${mountType} requires a target`);
  const sharingMode = sharing ?? null;
  if (sharingMode !== null && !SHARING_MODES.includes(sharingMode)) bad(input, flag, `unrecognized sharing mode "${sharingMode}" (use shared, private or locked)`);
  if (sharingMode !== null && mountType !== "cache") bad(input, flag, `sharing is only valid for cache mounts`);
  if (uid !== undefined && !uid.includes("$") && !/^\d+$/.test(uid)) bad(input, flag, `invalid uid "${uid}": must be a number`);
  if (gid !== undefined && !gid.includes("$") && !/^\d+$/.test(gid)) bad(input, flag, `invalid gid "${gid}": must be a number`);
  if (mode !== undefined && !mode.includes("$") && !/^[0-7]+$/.test(mode)) bad(input, flag, `invalid mode "${mode}": must be octal`);
  if (env !== undefined && mountType !== "secret") bad(input, flag, `env is only valid for secret mounts`);
  const rwValue = readwrite ?? rw;
  const readonly = (readonlyFlag ?? ro) ?? (rwValue !== undefined ? !rwValue : mountType === "bind");
  return {
    type: mountType,
    target: targetPath,
    source: source ?? src ?? null,
    from: from ?? null,
    id: id ?? null,
    readonly,
    sharing: mountType === "cache" ? ((sharingMode as Mount["sharing"]) ?? "shared") : null,
    mode: mode ?? null,
    uid: uid ?? null,
    gid: gid ?? null,
    size: size ?? null,
    env: env ?? null,
    required: required ?? false,
    options,
    range: flag.range,
  };
}
