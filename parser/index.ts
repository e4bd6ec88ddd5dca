export type * from "./ast.js";
export { INSTRUCTION_KINDS } from "./ast.js";
export type { Position, SourceRange } from "./range.js";
export { LineIndex } from "./range.js";
export type { Diagnostic, Severity, ParseCode } from "./diagnostics.js";
export { ParseCodes } from "./diagnostics.js";
export { parse } from "./parse.js";
export type { ParseResult, ParseOptions } from "./parse.js";
