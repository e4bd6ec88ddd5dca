/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as JS sorts), no whitespace,
 * `undefined` properties left out. Documents kiln writes are serialised this way so the same
 * value always gives the same bytes and therefore the same digest, however it was built.
 */

export function canonicalJson(value: unknown): string {
  // Fast path: a copy whose objects hold their keys in sorted order, then the native
  // JSON.stringify (about 10x faster than writing strings here, which matters for a COPY record
  // listing 20,000 files). JS keeps insertion order for keys except integer-like ones, which it
  // puts first: a value with such a key takes the writer below, as does anything invalid, so
  // that its error names the path.
  const sorted = sortedCopy(value);
  return sorted === INVALID ? write(value, []) : JSON.stringify(sorted);
}

const INVALID: unique symbol = Symbol("invalid");
const INTEGER_KEY = /^(?:0|[1-9][0-9]*)$/;

function sortedCopy(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : INVALID;
    case "object": {
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) return INVALID;
          const c = sortedCopy(item);
          if (c === INVALID) return INVALID;
          out[i] = c;
        }
        return out;
      }
      const record = value as Record<string, unknown>;
      const out = Object.create(null) as Record<string, unknown>;
      for (const key of Object.keys(record).sort()) {
        if (INTEGER_KEY.test(key)) return INVALID;
        const item = record[key];
        if (item === undefined) continue;
        const c = sortedCopy(item);
        if (c === INVALID) return INVALID;
        out[key] = c;
      }
      return out;
    }
    default:
      return INVALID;
  }
}

/** canonicalJson as UTF-8 bytes. */
export function canonicalJsonBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), "utf8");
}

/** `$.a[0].b` for an error message (built only when one is thrown: records can be large). */
function pathOf(at: readonly (string | number)[]): string {
  return "$" + at.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
}

function write(value: unknown, at: (string | number)[]): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${pathOf(at)} is ${value}, which JSON cannot hold`);
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          at.push(i);
          if (item === undefined) throw new TypeError(`canonicalJson: ${pathOf(at)} is undefined`);
          out += (i === 0 ? "" : ",") + write(item, at);
          at.pop();
        }
        return out + "]";
      }
      const record = value as Record<string, unknown>;
      let out = "{";
      let first = true;
      for (const key of Object.keys(record).sort()) {
        const item = record[key];
        if (item === undefined) continue;
        at.push(key);
        out += `${first ? "" : ","}${JSON.stringify(key)}:${write(item, at)}`;
        at.pop();
        first = false;
      }
      return out + "}";
    }
    default:
      throw new TypeError(`canonicalJson: ${pathOf(at)} is a ${typeof value}, which JSON cannot hold`);
  }
}

/** A deep copy through JSON, for documents (plain data only). */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Freezes a plain-data document and everything in it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value as object)) deepFreeze(item);
  }
  return value;
}
