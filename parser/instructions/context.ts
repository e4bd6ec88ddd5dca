/**
 * What every instruction parser receives, and the helpers they share: ranges from logical
 * offsets, diagnostics, typed flag reading with "did you mean", and the common AST fields.
 */
import type { Flag, Heredoc, Instruction, InstructionKind, Word } from "../ast.js";
import { ParseCodes, type Diagnostic, type ParseCode, type Severity } from "../diagnostics.js";
import type { SourceRange } from "../range.js";
import { suggest } from "../suggest.js";

export interface InstructionInput {
  readonly kind: InstructionKind;
  readonly keyword: string;
  readonly keywordRange: SourceRange;
  /** The whole instruction in the original text. */
  readonly range: SourceRange;
  readonly flags: readonly Flag[];
  /** Argument text (after flags), trimmed, continuations joined. */
  readonly rest: string;
  /** Logical offset of `rest`. */
  readonly restStart: number;
  readonly heredocs: readonly Heredoc[];
  readonly escapeChar: "\\" | "`";
  /** Maps logical offsets of this line to a SourceRange of the original text. */
  at(start: number, end: number): SourceRange;
  report(code: ParseCode, message: string, range: SourceRange, severity?: Severity, hint?: string): void;
  /** ONBUILD: parses `text` (starting at logical offset `offset`) as an instruction of its own. */
  parseNested(text: string, offset: number): Instruction | null;
}

export type FlagType = "string" | "bool" | "list";
export type FlagSpec = Readonly<Record<string, FlagType>>;

export interface FlagValues {
  readonly strings: ReadonlyMap<string, string>;
  readonly bools: ReadonlyMap<string, boolean>;
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

/**
 * Checks the instruction's flags against its spec as BuildKit's BFlags does: unknown flags,
 * missing values, bad booleans and duplicates are errors (lists may repeat).
 */
const NO_FLAGS: FlagValues = { strings: new Map(), bools: new Map(), lists: new Map() };

/**
 * Each spec as a Map, made once per spec object: indexing the specs (objects of many shapes) by a
 * flag name just sliced from the line was a megamorphic keyed load that interned the name.
 */
const specMaps = new WeakMap<FlagSpec, ReadonlyMap<string, FlagType>>();

function flagType(spec: FlagSpec, name: string): FlagType | undefined {
  let map = specMaps.get(spec);
  if (map === undefined) specMaps.set(spec, (map = new Map(Object.entries(spec))));
  // Not an own key: what indexing the object gives (undefined, or an inherited property).
  return map.get(name) ?? spec[name];
}

export function readFlags(input: InstructionInput, spec: FlagSpec): FlagValues {
  if (input.flags.length === 0) return NO_FLAGS;
  // Maps made only for the flag types present (most instructions have one or two flags).
  let strings: Map<string, string> | undefined;
  let bools: Map<string, boolean> | undefined;
  let lists: Map<string, string[]> | undefined;
  // The names seen so far: a few at most, a list is cheaper than a Set.
  const seen: string[] = [];
  for (const flag of input.flags) {
    const type = flagType(spec, flag.name);
    if (type === undefined) {
      const known = Object.keys(spec);
      const near = suggest(flag.name, known);
      input.report(
        ParseCodes.unknownFlag,
        `unknown flag --${flag.name} for ${input.kind}` + (known.length ? "" : ` (${input.kind} takes no flags)`),
        flag.range,
        "error",
        near ? `did you mean --${near}?` : undefined,
      );
      continue;
    }
    if (type !== "list" && seen.includes(flag.name)) {
      input.report(ParseCodes.invalidFlag, `duplicate flag specified: --${flag.name}`, flag.range);
      continue;
    }
    if (!seen.includes(flag.name)) seen.push(flag.name);
    switch (type) {
      case "string":
        if (flag.value === null) input.report(ParseCodes.invalidFlag, `missing a value on flag --${flag.name}`, flag.range);
        else (strings ??= new Map()).set(flag.name, flag.value);
        break;
      case "bool": {
        const v = flag.value === null ? "true" : flag.value.toLowerCase();
        if (v === "true" || v === "false") (bools ??= new Map()).set(flag.name, v === "true");
        else input.report(ParseCodes.invalidFlag, `expecting boolean value for flag --${flag.name}, not: ${flag.value}`, flag.range);
        break;
      }
      case "list": {
        if (flag.value === null) {
          input.report(ParseCodes.invalidFlag, `missing a value on flag --${flag.name}`, flag.range);
          break;
        }
        const list = (lists ??= new Map()).get(flag.name);
        if (list) list.push(flag.value);
        else lists.set(flag.name, [flag.value]);
        break;
      }
    }
  }
  return { strings: strings ?? NO_FLAGS.strings, bools: bools ?? NO_FLAGS.bools, lists: lists ?? NO_FLAGS.lists };
}

/**
 * The `arguments` field every instruction node has. The parsers write the other common fields
 * (`keyword`, `keywordRange`, `range`, `flags`, `heredocs`) out in their object literals: a
 * `{ kind, ...common, ... }` spread took ~170 ns per instruction (V8 copies a spread that is not
 * the literal's first property generically), an explicit literal a few.
 */
export function argumentsWord(input: InstructionInput): Word {
  return { text: input.rest, range: input.at(input.restStart, input.restStart + input.rest.length) };
}

export function word(input: InstructionInput, text: string, start: number, end: number): Word {
  return { text, range: input.at(start, end) };
}

export function reportMissing(input: InstructionInput, message: string): void {
  input.report(ParseCodes.missingArguments, message, input.keywordRange);
}

export type { Diagnostic };
