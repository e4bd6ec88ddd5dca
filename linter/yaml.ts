/**
 * The YAML subset lint configuration files use (`.kiln-lint.yaml`, `.hadolint.yaml`): block
 * mappings and sequences by indentation, flow sequences `[a, b]` and flow mappings `{a: b}` of
 * scalars, plain / single- / double-quoted scalars, `true`/`false`, `null`/`~`, numbers, and `#`
 * comments. Anchors, tags, multi-line scalars and multiple documents are refused with an error
 * naming the line.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  readonly no: number;
  readonly indent: number;
  readonly text: string;
}

class YamlError extends Error {}

function stripComment(s: string): string {
  let quote = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"') i++;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[{,-]/.test(s[i - 1]!)) quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

export function parseYaml(text: string): YamlValue {
  const lines: Line[] = [];
  text.replace(/^\uFEFF/, "").split(/\r?\n|\r/).forEach((raw, i) => {
    if (/^\s*---\s*$/.test(raw) && lines.length === 0) return;
    if (raw.includes("\t") && /^\s*\t/.test(raw)) throw new YamlError(`line ${i + 1}: tabs cannot indent YAML`);
    const body = stripComment(raw).trimEnd();
    if (body.trim() === "") return;
    lines.push({ no: i + 1, indent: body.length - body.trimStart().length, text: body.trimStart() });
  });
  if (lines.length === 0) return null;
  const p = { i: 0 };
  const value = block(lines, p, lines[0]!.indent);
  if (p.i < lines.length) throw new YamlError(`line ${lines[p.i]!.no}: unexpected indentation`);
  return value;
}

function block(lines: Line[], p: { i: number }, indent: number): YamlValue {
  const first = lines[p.i]!;
  if (first.text === "-" || first.text.startsWith("- ")) {
    const out: YamlValue[] = [];
    while (p.i < lines.length && lines[p.i]!.indent === indent && (lines[p.i]!.text === "-" || lines[p.i]!.text.startsWith("- "))) {
      const line = lines[p.i]!;
      const rest = line.text.slice(1).trim();
      p.i++;
      if (rest === "") {
        out.push(p.i < lines.length && lines[p.i]!.indent > indent ? block(lines, p, lines[p.i]!.indent) : null);
      } else if (keyValue(rest)) {
        // "- key: value" starts a mapping whose other keys are indented past the dash.
        const inner: Line[] = [{ no: line.no, indent: indent + 2, text: rest }];
        while (p.i < lines.length && lines[p.i]!.indent > indent) inner.push(lines[p.i++]!);
        const q = { i: 0 };
        out.push(block(inner, q, indent + 2));
      } else {
        out.push(scalar(rest, line.no));
      }
    }
    return out;
  }
  const out: { [key: string]: YamlValue } = {};
  while (p.i < lines.length && lines[p.i]!.indent === indent) {
    const line = lines[p.i]!;
    const kv = keyValue(line.text);
    if (!kv) throw new YamlError(`line ${line.no}: expected "key: value"`);
    p.i++;
    if (kv.value !== "") {
      out[kv.key] = scalar(kv.value, line.no);
    } else if (p.i < lines.length && (lines[p.i]!.indent > indent || (lines[p.i]!.indent === indent && lines[p.i]!.text.startsWith("-")))) {
      out[kv.key] = block(lines, p, lines[p.i]!.indent);
    } else {
      out[kv.key] = null;
    }
  }
  return out;
}

function keyValue(text: string): { key: string; value: string } | null {
  let key: string;
  let rest: string;
  if (text.startsWith('"') || text.startsWith("'")) {
    const end = text.indexOf(text[0]!, 1);
    if (end < 0 || text[end + 1] !== ":") return null;
    key = text.slice(1, end);
    rest = text.slice(end + 2);
    if (rest !== "" && !/^\s/.test(rest)) return null;
  } else {
    const m = /^([^:[\]{},#]+?)\s*:(?:\s|$)/.exec(text);
    if (!m) return null;
    key = m[1]!;
    rest = text.slice(m[0].length);
  }
  return { key, value: rest.trim() };
}

function scalar(text: string, no: number): YamlValue {
  if (text.startsWith("[")) return flow(text, no, "[", "]");
  if (text.startsWith("{")) return flow(text, no, "{", "}");
  if (/^[&*!|>]/.test(text)) throw new YamlError(`line ${no}: anchors, tags and block scalars are not supported`);
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) throw new YamlError(`line ${no}: unterminated string`);
    try {
      return JSON.parse(text) as string;
    } catch {
      throw new YamlError(`line ${no}: invalid double-quoted string`);
    }
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) throw new YamlError(`line ${no}: unterminated string`);
    return text.slice(1, -1).replace(/''/g, "'");
  }
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^(null|Null|NULL|~)$/.test(text)) return null;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}

function flow(text: string, no: number, open: string, close: string): YamlValue {
  if (!text.endsWith(close)) throw new YamlError(`line ${no}: unterminated ${open}`);
  const inner = text.slice(1, -1).trim();
  const items: string[] = [];
  let quote = "";
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quote) {
      if (c === quote) quote = "";
      else if (c === "\\" && quote === '"') i++;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") throw new YamlError(`line ${no}: nested flow collections are not supported`);
    else if (c === ",") {
      items.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (inner !== "") items.push(inner.slice(start).trim());
  if (open === "[") return items.filter((s, i) => s !== "" || i < items.length - 1).map((s) => scalar(s, no));
  const out: { [key: string]: YamlValue } = {};
  for (const item of items) {
    if (item === "") continue;
    const kv = keyValue(item);
    if (!kv) throw new YamlError(`line ${no}: expected "key: value" in {…}`);
    out[kv.key] = kv.value === "" ? null : scalar(kv.value, no);
  }
  return out;
}
