// TEMPORARY STUB (added on branch `cli` so `kiln parse --format dump` compiles).
// The parser engineer replaces this file with the real BuildKit `Node.Dump` printer.
import type { Dockerfile } from "./ast.js";

export function dump(_dockerfile: Dockerfile): string {
  throw new Error("parser/dump.ts is a stub: dump() is not implemented yet");
}
